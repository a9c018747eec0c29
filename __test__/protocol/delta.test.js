// The delta rules of protocol/delta.js, as pure functions: what counts as an append,
// which map keys changed, how pages apply an update.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { appendOf, applyUpdate, mapChanges, pushUpdate, toUpdate } from '../../protocol/delta.js'

test('appendOf: a string or array that only grew at its end', () => {
  assert.equal(appendOf('abc', 'abcdef'), 'def')
  assert.equal(appendOf('abc', 'xbcdef'), undefined)
  assert.equal(appendOf('abc', 'abc'), undefined, 'no growth')
  assert.equal(appendOf('', 'abc'), undefined, 'nothing to build on: whole')
  assert.equal(appendOf('abc', 'ab'), undefined)
  assert.equal(appendOf(5, '5x'), undefined)
  const a = { n: 1 }
  assert.deepEqual(appendOf([a], [a, 2, 3]), [2, 3])
  assert.equal(appendOf([{ n: 1 }], [{ n: 1 }, 2]), undefined, 'same content, not the same element')
  assert.equal(appendOf([a, 2], [2, a, 3]), undefined)
  assert.equal(appendOf([a], 'x'), undefined)
})

test('mapChanges: the keys set and deleted, or undefined when a whole value is better', () => {
  const prev = { a: 1, b: 2, c: 3 }
  assert.deepEqual(mapChanges(prev, { a: 1, b: 20, c: 3, d: 4 }, null), ['b', 20, 'd', 4])
  assert.deepEqual(mapChanges(prev, { a: 1, c: 3 }, null), ['b', undefined])
  assert.deepEqual(mapChanges(prev, { a: 1, b: 2, c: 30 }, new Set(['c'])), ['c', 30])
  assert.deepEqual(mapChanges(prev, { ...prev }, new Set(['a'])), [], 'a key set to its own value')
  assert.equal(mapChanges(prev, { a: 9, b: 9, c: 9 }, null), undefined, 'every key changed')
  assert.equal(mapChanges(prev, { ...prev, u: undefined }, null), undefined, 'an own undefined survives only whole')
  assert.equal(mapChanges([1], { a: 1 }, null), undefined)
  assert.equal(mapChanges(prev, new Map(), null), undefined)
})

test('pushUpdate writes four wire slots; toUpdate gives pages the object form', () => {
  const out = []
  pushUpdate(out, 's', 5, 'ab', 'abc', 'atom', null)
  pushUpdate(out, 'm', 3, { a: 1, b: 2, c: 3 }, { a: 1, b: 2, c: 4 }, 'map', new Set(['c']))
  pushUpdate(out, 'w', 9, 'ab', 'xy', 'atom', null)
  assert.deepEqual(out, [1, 's', 5, 'c', 2, 'm', 3, ['c', 4], 0, 'w', 9, 'xy'])
  assert.deepEqual(toUpdate(...out.slice(0, 4)), { id: 's', rev: 5, base: 4, append: 'c' })
  assert.deepEqual(toUpdate(...out.slice(4, 8)), { id: 'm', rev: 3, base: 2, keys: ['c', 4] })
  assert.deepEqual(toUpdate(...out.slice(8)), { id: 'w', rev: 9, value: 'xy' })
})

test('applyUpdate: appends, keys set and deleted, __proto__ as an ordinary key', () => {
  assert.equal(applyUpdate('ab', { id: 's', rev: 2, base: 1, append: 'c' }), 'abc')
  assert.deepEqual(applyUpdate([1], { id: 's', rev: 2, base: 1, append: [2, 3] }), [1, 2, 3])
  const before = { a: 1, b: 2 }
  const after = applyUpdate(before, { id: 'm', rev: 2, base: 1, keys: ['a', undefined, 'c', 3, '__proto__', { p: 1 }] })
  assert.deepEqual(Object.keys(after), ['b', 'c', '__proto__'])
  assert.equal(Object.getPrototypeOf(after), Object.prototype)
  assert.deepEqual(before, { a: 1, b: 2 }, 'the previous value is not mutated')
  assert.equal(applyUpdate('ignored', { id: 'w', rev: 3, value: 'whole' }), 'whole')
})
