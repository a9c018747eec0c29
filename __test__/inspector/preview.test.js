// Value previews (inspector/preview.js): any value becomes a bounded tree of plain data that
// structured clone carries, with what was left out counted.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { DELTA_LIMITS, preview, previewKeys } from '../../inspector/preview.js'

const limits = { nodes: 1000, depth: 4, items: 3, chars: 5 }

test('primitives stay themselves; long strings are cut with their length', () => {
  assert.deepEqual(
    [1, true, null, 'abc'].map(v => preview(v, limits)),
    [1, true, null, 'abc']
  )
  assert.deepEqual(preview('abcdefgh', limits), { $: 'string', v: 'abcde', length: 8 })
  assert.deepEqual(preview(undefined), { $: 'undefined' })
  assert.deepEqual(preview(10n), { $: 'bigint', v: '10' })
  assert.deepEqual(preview(Symbol('s')), { $: 'symbol', v: 'Symbol(s)' })
  assert.deepEqual(
    preview(function named() {}),
    { $: 'function', v: 'named' }
  )
})

test('containers: their size, the first items, how many more, classes named, cycles marked', () => {
  assert.deepEqual(preview([1, 2, 3, 4, 5], limits), {
    $: 'array',
    size: 5,
    items: [
      [0, 1],
      [1, 2],
      [2, 3]
    ],
    more: 2
  })
  class Point {
    constructor() {
      this.x = 1
    }
  }
  assert.deepEqual(preview(new Point(), limits), { $: 'object', size: 1, name: 'Point', items: [['x', 1]] })
  const cyclic = { a: 1 }
  cyclic.self = cyclic
  assert.deepEqual(preview(cyclic, limits).items[1], ['self', { $: 'cycle' }])
  assert.deepEqual(preview(new Map([[{ k: 1 }, 'v']]), limits), {
    $: 'map',
    size: 1,
    items: [[{ $: 'object', size: 1, cut: true }, 'v']]
  })
  assert.deepEqual(preview(new Set(['a']), limits), { $: 'set', size: 1, items: [[0, 'a']] })
  assert.deepEqual(preview(new Date(0)), { $: 'date', v: '1970-01-01T00:00:00.000Z' })
  assert.deepEqual(preview(new Uint8Array(7)), { $: 'bytes', type: 'Uint8Array', length: 7 })
  assert.deepEqual(preview(new Error('x')), { $: 'error', v: 'Error: x' })
  assert.deepEqual(preview(/a/g), { $: 'regexp', v: '/a/g' })
})

test('depth and node budgets cut the tree; a throwing getter is shown, not thrown', () => {
  const deep = { a: { b: { c: { d: { e: 1 } } } } }
  const cut = preview(deep, limits).items[0][1].items[0][1].items[0][1].items[0][1]
  assert.deepEqual(cut, { $: 'object', size: 1, cut: true })
  const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, { i }]))
  const budget = preview(wide, { nodes: 10, depth: 5, items: 100, chars: 10 })
  let nodes = 0
  const count = node => {
    for (const [, child] of node.items ?? []) {
      nodes++
      if (child && typeof child === 'object') count(child)
    }
  }
  count(budget)
  assert.ok(nodes <= 10, `${nodes} nodes`)
  assert.equal(budget.more, 100 - budget.items.length)
  const getter = Object.defineProperty({}, 'bad', {
    enumerable: true,
    get() {
      throw new Error('boom')
    }
  })
  assert.deepEqual(preview(getter), { $: 'object', size: 1, items: [['bad', { $: 'unreadable', v: 'boom' }]] })
  structuredClone(preview({ deep, wide, getter, f: () => 1, s: Symbol('x') })) // IPC can carry it
})

test("a map's changed keys: deleted keys marked, the rest previewed", () => {
  assert.deepEqual(previewKeys(['a', 1, 'b', undefined, 'c', 'x'.repeat(500)]), {
    $: 'keys',
    size: 3,
    items: [
      ['a', 1],
      ['b', { $: 'deleted' }],
      ['c', { $: 'string', v: 'x'.repeat(DELTA_LIMITS.chars), length: 500 }]
    ]
  })
  const many = Array.from({ length: 100 }, (_, i) => [`k${i}`, i]).flat()
  assert.equal(previewKeys(many).more, 100 - DELTA_LIMITS.items)
})
