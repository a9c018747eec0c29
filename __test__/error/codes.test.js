// One list of error codes: the JS layer's (error/index.js, its .d.ts) and the Rust
// runtime's (ErrorCode, through errorCodes()) name the same codes.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import { ErrorCodes } from '../../error/index.js'
import { native } from '../native/helpers.js'

test('error/ and the native runtime list the same codes', () => {
  assert.deepEqual(Object.values(ErrorCodes).sort(), [...native.errorCodes()].sort())
  for (const [key, value] of Object.entries(ErrorCodes)) assert.equal(key, value)
})

test('error/index.d.ts types every code, and only those', () => {
  const dts = readFileSync(new URL('../../error/index.d.ts', import.meta.url), 'utf8')
  const union = dts.slice(
    dts.indexOf('export type NanoStoreIPCErrorCode'),
    dts.indexOf('export declare const ErrorCodes')
  )
  const typed = [...union.matchAll(/'([A-Z_]+)'/g)].map(m => m[1])
  assert.deepEqual(typed.sort(), Object.values(ErrorCodes).sort())
})
