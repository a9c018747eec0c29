// The native store runtime (Rust, napi-rs), loaded through the generated loader.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export const { StoreRuntime, checkSerializable, Persistence } = require('../native.cjs')
