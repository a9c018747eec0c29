// Compiled with usage.ts: the persist options and flush() type as users expect.
import { initNanoStoreIPC, syncedAtom, syncedMap } from 'nanostore-ipc-bridge'
import type { PersistStats, PersistStoreOptions } from 'nanostore-ipc-bridge'

const ipc = initNanoStoreIPC({
  persist: {
    dir: '/home/me/.config/app',
    fileName: 'state.json',
    debounceMs: 50,
    onError: error => {
      if (error.code === 'PERSIST_CORRUPT') void error.movedTo
    }
  }
})
// @ts-expect-error dir is required
initNanoStoreIPC({ persist: { fileName: 'x.json' } })

interface Settings {
  theme: 'light' | 'dark'
}
const $settings = syncedAtom<Settings>(
  'settings',
  { theme: 'light' },
  {
    persist: {
      version: 2,
      migrate: (old, fromVersion) => (fromVersion < 2 && old === 'dark' ? { theme: 'dark' } : { theme: 'light' })
    }
  }
)
void $settings
const recentOptions: PersistStoreOptions<Map<string, number>> = {
  serialize: map => JSON.stringify([...map]),
  deserialize: text => new Map(JSON.parse(text))
}
syncedAtom('recent', new Map<string, number>(), { persist: recentOptions })
syncedMap('tags', { a: 'b' }, { persist: true })
// @ts-expect-error serialize must return a string
syncedAtom('n', 1, { persist: { serialize: (n: number) => n, deserialize: Number } })

const done: Promise<void> = ipc.flush()
void done
const stats: PersistStats | null = ipc.stats().persist
if (stats) {
  const writes: number = stats.writes
  void writes
}
