// The baseline's renderer store, as first specified: a local atom that subscribes, then
// reads main's snapshot, applies snapshots whose rev is newer, and sends local changes
// with set() (an `applyingRemote` flag keeps main's values from being sent back).
import { atom } from 'nanostores'

export function baselineAtom(id, initial) {
  const bridge = window.baselineIPC
  const $store = atom(initial)
  let rev = -1
  let applyingRemote = false
  const apply = snapshot => {
    if (snapshot.rev <= rev) return
    rev = snapshot.rev
    applyingRemote = true
    $store.set(snapshot.value)
    applyingRemote = false
  }
  bridge.subscribe(id, apply)
  bridge.get(id).then(apply)
  $store.listen(value => {
    if (!applyingRemote) bridge.set(id, value)
  })
  return $store
}
