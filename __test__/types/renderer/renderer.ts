// A renderer that imports nothing from nanostore-ipc-bridge/preload: env.d.ts's one
// reference line (the README's) is what types window.nanostoreIPC.
import { syncedAtom } from 'nanostore-ipc-bridge/atom'

export const $count = syncedAtom('count', 0)

const bridge = window.nanostoreIPC
if (bridge) {
  void bridge.get<number>('count').then(snapshot => {
    const value: number = snapshot.value
    const rev: number = snapshot.rev
    void [value, rev]
  })
  const unsubscribe: () => void = bridge.subscribe<number>('count', snapshot => void snapshot.value)
  unsubscribe()
}
// @ts-expect-error the bridge is optional: undefined outside Electron or without the preload
window.nanostoreIPC.get('count')
