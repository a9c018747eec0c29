// The same renderer without the reference line: the global is not there, so the line in
// renderer/env.d.ts is what adds it (and not some other import).
import { syncedAtom } from 'nanostore-ipc-bridge/atom'

export const $count = syncedAtom('count', 0)
// @ts-expect-error Property 'nanostoreIPC' does not exist on type 'Window & typeof globalThis'
void window.nanostoreIPC
