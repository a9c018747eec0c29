// Typed use of the addon against native.d.ts as napi-rs generates it (imported as native.js,
// which TypeScript resolves to native.d.ts); the @ts-expect-error lines prove the generated
// types reject misuse. Compiled, never run, by package.test.js.
import {
  type CheckResult,
  type CommitChange,
  type HistoryEntry,
  type LogEvent,
  StoreRuntime,
  authorizeStoreWrite,
  checkSerializable,
  commitStore,
  errorCodes
} from '../../../native.js'

const rt = new StoreRuntime({ allowRendererSet: true, maxPayloadBytes: 1024, maxDepth: 10 })
rt.registerStore('settings', { rendererCanSet: false, rev: 3 })
rt.registerStore('count')
const info = rt.storeInfo('settings')
if (info !== null) {
  const rev: number = info.rev
  const subscribers: number[] = info.subscribers
  void [rev, subscribers]
}
rt.registerWindow(1)
rt.setWindowState(1, 'ready')
// @ts-expect-error not a window state
rt.setWindowState(1, 'closed')
const state: 'loading' | 'ready' | 'gone' | undefined = rt.windowInfo(1)?.state
const missing: string[] = rt.subscribe(1, ['settings', 'count'])
rt.subscribeAll(1, true)
// @ts-expect-error enabled is a boolean
rt.subscribeAll(1, 'yes')
const out = new Float64Array(rt.stats().windows + 1)
const recipients: number = rt.commitInto('settings', undefined, out)
rt.commitInto('settings', 1, out)
// @ts-expect-error out is a Float64Array
rt.commitInto('settings', undefined, [0, 0])
rt.authorizeWrite(1, 'count')
const handle: number = rt.registerStore('handled')
const slot: number = rt.slot
const rev: number = commitStore(slot, handle)
const fresh: number = rt.recipientsInto(handle, out)
// @ts-expect-error out is a Float64Array
rt.recipientsInto(handle, [0])
authorizeStoreWrite(slot, 1, handle)
// @ts-expect-error the store is named by its handle
commitStore(slot, 'handled')

const result: CheckResult = checkSerializable({ a: 1 }, { root: 'settings', maxBytes: 100 })
if (result.ok) {
  const bytes: number = result.bytes
  void bytes
} else {
  const where: string = result.path
  const kind: 'function' | 'symbol' | 'class-instance' | string = result.kind
  void [where, kind]
}
const stored = rt.checkStoreValue('settings', new Map())
// @ts-expect-error a passed check has no path
void (stored.ok && stored.path)

rt.setLogger((event: LogEvent) => {
  const fields: Record<string, string | number | boolean> = event.fields
  void [event.level, event.message, fields]
})
rt.setLogger(null)
const codes: string[] = errorCodes()
void [state, missing, recipients, rev, fresh, codes, rt.options().maxDepth]

rt.enableHistory({ size: 100, maxBytes: 1 << 20 })
// @ts-expect-error size is a number
rt.enableHistory({ size: '100' })
const kept: boolean | null = rt.recordCommit('count', { rev: 0, writer: 1, change: 'whole' }, new Uint8Array(3))
// @ts-expect-error change is one of the CommitChange names
rt.recordCommit('count', { rev: 0, change: 'set' }, null)
const past: Uint8Array | null = rt.historyValue('count', 0)
const change: CommitChange | undefined = rt.history('count')[0]?.change
const entry: HistoryEntry | undefined = rt.history()[0]
void [kept, entry, past, change, rt.historyStats()?.bytes, rt.disableHistory()]
