// Compiled by __test__/packaging/types.test.js with tsc --noEmit: the public types
// infer what users expect, and reject what they must not do.
import { initNanoStoreIPC, NanoStoreIPCError, syncedAtom as mainSyncedAtom } from 'nanostore-ipc-bridge'
import type { NanoStoreIPC, NanoStoreIPCErrorCode } from 'nanostore-ipc-bridge'
import { syncedAtom } from 'nanostore-ipc-bridge/atom'
import { exposeNanoStoreIPC } from 'nanostore-ipc-bridge/preload'
import type { NanoStoreIPCBridge, Snapshot } from 'nanostore-ipc-bridge/preload'
import { connectNanoStoreIPC } from 'nanostore-ipc-bridge/utility'
import type { UtilityBridge } from 'nanostore-ipc-bridge/utility'

const $count = syncedAtom('count', 0)
const n: number = $count.get()
$count.set(n + 1)
// @ts-expect-error T is inferred as number
$count.set('one')

interface Settings {
  theme: 'light' | 'dark'
}
const $settings = syncedAtom<Settings>(
  'settings',
  { theme: 'light' },
  {
    validateValue: value => value.theme === 'light' || value.theme === 'dark',
    throttleMs: 100,
    onError: error => {
      const code: NanoStoreIPCErrorCode = error.code
      void code
    }
  }
)
// @ts-expect-error 'blue' is not a theme
$settings.set({ theme: 'blue' })
const rev: number | undefined = $settings.rev
void rev

const same = mainSyncedAtom('other', { a: [1, 2] })
const first: number = same.get().a[0]
void first

const ipc: NanoStoreIPC = initNanoStoreIPC({
  channelPrefix: 'wf',
  allowRendererSet: true,
  allowedOrigins: ['file://'],
  onError: (error: NanoStoreIPCError) => void error.storeId
})
// @ts-expect-error unknown option
initNanoStoreIPC({ channelPrefx: 'wf' })
const unregister: () => boolean = ipc.registerStore('count2', $count, { rendererCanSet: false })
void unregister
// @ts-expect-error registerWindow needs a window or a webContents, not just an id
ipc.registerWindow({ id: 1 })
ipc.unregisterWindow({ id: 1 })
const windows: number = ipc.stats().windows
void windows
const held: number | undefined = ipc.stats().history?.entries
void held
const inspectorWindow = ipc.openInspector({ width: 1200, height: 800 })
inspectorWindow.close()
// @ts-expect-error window options are numbers
ipc.openInspector({ width: '1200' })
initNanoStoreIPC({ history: { size: 500, maxBytes: 64 * 1024 * 1024 }, inspector: true })
// @ts-expect-error history limits are numbers
initNanoStoreIPC({ history: { size: 'many' } })
const child = { pid: undefined, postMessage() {}, on() {}, removeListener() {} }
const registered: boolean = ipc.registerUtilityProcess(child, { name: 'indexer' })
void registered
// @ts-expect-error a utility process, not a window
ipc.registerUtilityProcess({ webContents: {} })
const utilities: number = ipc.stats().utilityProcesses
void utilities
const kinds: ('window' | 'frame' | 'utility')[] = ipc.inspect().windows.map(w => w.kind)
void kinds
initNanoStoreIPC({ allowedSubFrameOrigins: ['https://widget.example'], allowSender: sender => sender.kind !== 'frame' })
ipc.destroy()

const inChild: UtilityBridge = connectNanoStoreIPC()
void inChild.ready.then(() => inChild.get<number>('count'))
// @ts-expect-error globalName is a string
connectNanoStoreIPC({ globalName: 1 })

const bridge: NanoStoreIPCBridge = exposeNanoStoreIPC({ channelPrefix: 'wf' })
bridge.subscribe<number>('count', (snapshot: Snapshot<number>) => {
  const value: number = snapshot.value
  void value
})()
void bridge.write('count', 1).then(result => {
  if (result.error) {
    const code: NanoStoreIPCErrorCode = result.error.code
    void code
  } else {
    const ackRev: number = result.rev
    void ackRev
  }
})

const error = new NanoStoreIPCError('STORE_NOT_FOUND', 'x', { storeId: 'count' })
// @ts-expect-error not an error code
new NanoStoreIPCError('NOPE', 'x')
void error

// A function or a class can never be synced: both are compile errors.
// @ts-expect-error a function is not a syncable value
syncedAtom('fn', () => 1)
// @ts-expect-error nor is a class
syncedAtom('cls', class Thing {})
// @ts-expect-error nor through the main entry
mainSyncedAtom('fn2', function named() {})
// @ts-expect-error nor as a union member
syncedAtom<number | (() => void)>('maybe-fn', () => {})
// Values that merely contain functions' names, optional values and unions still infer.
const $maybe = syncedAtom<string | null>('maybe', null)
$maybe.set('x')
const $list = syncedAtom('list', [{ id: 1, label: 'a' }])
const label: string = $list.get()[0].label
void label
const $flag = syncedAtom('flag', false)
$flag.set(true)
const flag: boolean = $flag.get()
void flag

// ---- services and update()
import { defineService, getCallContext } from 'nanostore-ipc-bridge/atom'
import { defineService as mainDefineService } from 'nanostore-ipc-bridge'

const todos = defineService({
  id: 'todos',
  timeoutMs: 5000,
  allowSender: sender => sender.origin === 'file://',
  validateArgs: (method, args) => method !== 'add' || typeof args[0] === 'string',
  handlers: {
    async add(text: string) {
      const ctx = getCallContext()
      const by: number | undefined = ctx?.windowId
      return { id: 1, text, by }
    },
    async *stream(prompt: string) {
      yield `${prompt}…`
    }
  },
  hooks: {
    beforeAll: (method, args) => void [method, args],
    afterAll: (method, result, durationMs: number) => void [method, result, durationMs]
  }
})
const added = todos.add('milk')
added.cancel()
void added.then(todo => {
  const text: string = todo.text
  void text
})
// @ts-expect-error add takes a string
todos.add(5)
async function streamIt() {
  for await (const chunk of todos.stream('q')) {
    const s: string = chunk
    void s
  }
}
void streamIt
const off: () => void = todos.on<{ id: number }>('added', todo => void todo.id)
off()
const sent: number = todos.broadcast('added', { id: 1 })
void sent
void todos.withSignal(new AbortController().signal).add('x')
void mainDefineService

const updated: Promise<number> = $count.update(n => n + 1, { maxAttempts: 10 })
void updated
// @ts-expect-error update's fn returns the store's type
$count.update(n => `${n}`)
void bridge.set('count', 2, { ifRev: 3 })
void bridge.call(1, 'todos', 'add', ['x']).then(reply => {
  if (reply.error) {
    const code: string = reply.error.code
    void code
  }
})
const services: number = ipc.stats().services
void services
