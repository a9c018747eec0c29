// The native store runtime (Rust, napi-rs), through the loader wrapper. Loaded on first
// use (initNanoStoreIPC), not at import: the main entry stays importable where no binary
// loads, and a missing binary is reported by the call that needs it (NATIVE_ADDON_MISSING).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
let addon

export const loadNative = () => (addon ??= require('../native/index.cjs'))
