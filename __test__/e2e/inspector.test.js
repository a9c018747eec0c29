// End to end: the demo (electron-demo/main.js, the real file) started with its inspector
// (DEMO_INSPECTOR=1), every window a real headless Chromium page (backends/chromium.js). Changes
// made in windows A and B show in the inspector's timeline with their writer; the timeline
// filters by store and by writer; restoring a past commit from the inspector's page makes both
// windows show that value; pausing a store holds its updates from B until it is resumed; the log
// pane filters by level; service calls are listed. Every wait is a bounded wait on a condition.
//
// Needs what __test__/e2e/demo.test.js needs (skipped without it, failing under CI=true).
// Screenshot: __test__/e2e/.artifacts/inspector.png; with UPDATE_DEMO_SCREENSHOT=1 also
// docs/inspector.png (for the README).
import '../electron-stand-in/register.js'

import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { pathToFileURL } from 'node:url'

import { createChromiumBackend } from '../electron-stand-in/backends/chromium.js'
import { standIn } from '../electron-stand-in/index.js'
import { WAIT_MS, artifacts, buildDemo, demoDir, missing, root, until } from './demo-app.js'

const counterIn = page =>
  page
    .getByTestId('counter-value')
    .textContent({ timeout: 1000 })
    .catch(() => null)

// The inspector's timeline rows, newest first, as data (the page's data-* attributes).
const timelineRows = page =>
  page.$$eval('#timeline tr[data-kind]', rows =>
    rows.map(r => ({ ...r.dataset, text: r.textContent, selected: r.classList.contains('selected') }))
  )

let chromium
let demo
let inspector // its Playwright page

before(async () => {
  if (missing) return
  buildDemo()
  chromium = createChromiumBackend({ viewport: { width: 520, height: 680 } })
  standIn.setBackend(chromium)
  process.env.DEMO_INSPECTOR = '1'
  const main = await import(pathToFileURL(path.join(demoDir, 'main.js')).href)
  demo = await main.demo
})

after(async () => {
  if (missing) return
  await standIn.reset()
  await chromium.close()
})

test('the demo with its inspector: timeline, filters, restore, pause and log in real Chromium', {
  skip: missing ?? false,
  timeout: 120_000
}, async () => {
  const { ipc, stores, windows } = demo
  const idA = windows.A.webContents.id
  const idB = windows.B.webContents.id
  // the `inspector: true` option opened it; openInspector() returns that same window
  const win = await until(() => ipc.openInspector(), 'the inspector window')
  assert.equal(ipc.openInspector(), win)
  const idI = win.webContents.id
  assert.ok(![idA, idB].includes(idI))
  const pageA = await chromium.waitForPage(idA, { timeoutMs: WAIT_MS })
  const pageB = await chromium.waitForPage(idB, { timeoutMs: WAIT_MS })
  inspector = await chromium.waitForPage(idI, { timeoutMs: WAIT_MS })
  await inspector.setViewportSize({ width: 1280, height: 800 })
  await inspector.bringToFront() // the page Playwright clicks in gets animation frames
  await inspector.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS })
  await until(
    async () => (await counterIn(pageA)) === '0' && (await counterIn(pageB)) === '0',
    'both windows to render'
  )

  // not a store window: no subscriptions, not counted, never a recipient
  assert.equal(ipc.stats().windows, 2)
  assert.ok(!ipc.inspect().windows.some(w => w.id === idI))

  // the stores are listed, with their revisions
  await inspector.waitForSelector('#stores li[data-store="counter"]', { timeout: WAIT_MS })
  for (const id of ['counter', 'settings', 'answer', 'todos']) {
    assert.equal(await inspector.locator(`#stores li[data-store="${id}"]`).count(), 1, id)
  }

  // changes in two windows: three clicks in A, the theme switch in B
  await pageA.bringToFront()
  for (let i = 0; i < 3; i++) await pageA.getByTestId('counter-increment').click()
  await pageB.bringToFront()
  await pageB.getByTestId('theme-toggle').click()
  await until(async () => (await counterIn(pageB)) === '3', "B's counter to show 3")
  const rows = await until(async () => {
    const r = await timelineRows(inspector)
    const fromA = r.filter(x => x.kind === 'commit' && x.store === 'counter' && x.writer === String(idA))
    const fromB = r.filter(x => x.kind === 'commit' && x.store === 'settings' && x.writer === String(idB))
    return fromA.length === 3 && fromB.length === 1 ? r : null
  }, "the inspector's timeline to show A's three commits and B's one")
  const counterRevs = rows.filter(r => r.store === 'counter' && r.writer === String(idA)).map(r => Number(r.rev))
  assert.deepEqual(
    counterRevs,
    [...counterRevs].sort((a, b) => b - a),
    'newest first'
  )
  assert.match(rows.find(r => r.store === 'settings').text, /Window B/, 'the writer is named by its window')

  // filters: by store, then by writer
  await inspector.bringToFront()
  await inspector.selectOption('#filter-store', 'settings')
  await until(async () => {
    const r = await timelineRows(inspector)
    return r.length > 0 && r.every(x => x.store === 'settings')
  }, 'only settings rows')
  await inspector.selectOption('#filter-store', '')
  await inspector.selectOption('#filter-window', String(idA))
  await until(async () => {
    const r = await timelineRows(inspector)
    return r.length >= 3 && r.every(x => x.writer === String(idA))
  }, "only window A's rows")
  await inspector.selectOption('#filter-window', '')

  // time travel: pick the commit that made the counter 1, restore it; both windows follow
  const first = Math.min(...counterRevs)
  await inspector.click(`#timeline tr[data-kind="commit"][data-store="counter"][data-rev="${first}"]`)
  await inspector.waitForSelector(`#commit-detail[data-rev="${first}"] #commit-value`, { timeout: WAIT_MS })
  assert.equal((await inspector.textContent('#commit-value')).trim(), '1')
  await inspector.click('#restore:not([disabled])')
  await until(async () => (await counterIn(pageA)) === '1' && (await counterIn(pageB)) === '1', 'A and B to show 1')
  assert.equal(stores.$counter.get(), 1)
  const restored = await until(async () => {
    const r = await timelineRows(inspector)
    return r.find(x => x.store === 'counter' && /restore of rev/.test(x.text))
  }, 'the restore to show in the timeline')
  assert.ok(Number(restored.rev) > Math.max(...counterRevs), 'a restore is a new revision: history is never rewritten')
  assert.equal((await timelineRows(inspector)).filter(r => r.store === 'counter' && r.writer === String(idA)).length, 3)

  // pause the counter: B keeps what it holds while A and main move on; resume: B follows
  await inspector.bringToFront()
  await inspector.click('#stores li[data-store="counter"]')
  await inspector.click('#pause')
  await until(async () => (await inspector.textContent('#pause')).startsWith('Resume'), 'the store to be paused')
  await pageA.bringToFront()
  await pageA.getByTestId('counter-increment').click()
  await until(() => stores.$counter.get() === 2, "main's counter to reach 2")
  await until(async () => (await counterIn(pageA)) === '2', 'A to show its own write')
  await until(async () => /1 held/.test(await inspector.textContent('#pause')), 'the update to B to be held')
  assert.equal(await counterIn(pageB), '1', 'B keeps what it had while the store is paused')
  await inspector.bringToFront()
  await inspector.click('#pause')
  await until(async () => (await counterIn(pageB)) === '2', 'B to get the current value on resume')

  // service calls: a todo added in A is listed with its caller and result
  await pageA.bringToFront()
  await pageA.getByTestId('todo-input').fill('Inspect me')
  await pageA.getByTestId('todo-add').click()
  await inspector.waitForSelector('#calls tr[data-service="todos"][data-code=""]', { timeout: WAIT_MS })
  assert.match(await inspector.textContent('#calls'), /todos\.add\(\)/)

  // log pane: trace shows the runtime's commits, info hides everything below info
  await inspector.bringToFront()
  await inspector.selectOption('#log-level', 'trace')
  await inspector.waitForSelector('#log li[data-level="trace"]', { timeout: WAIT_MS })
  assert.match(await inspector.textContent('#log'), /commit/)
  await inspector.selectOption('#log-level', 'info')
  await until(
    async () => (await inspector.locator('#log li[data-level="trace"], #log li[data-level="debug"]').count()) === 0,
    'the info filter'
  )
  await inspector.selectOption('#log-level', 'debug')

  // a streamed answer (main writes a throttled store chunk by chunk): main's commits, each value
  await pageA.bringToFront()
  await pageA.getByTestId('stream-start').click()
  await until(() => stores.$answer.get().done === true && stores.$answer.get().text.length > 0, 'the stream to end')
  await inspector.bringToFront()
  // (main's revision read on every poll: the store is throttled, so its last value is committed up
  // to throttleMs after main set it)
  const streamed = await until(async () => {
    const answerRev = ipc.inspect().stores.find(s => s.id === 'answer').rev
    const r = (await timelineRows(inspector)).filter(x => x.store === 'answer' && x.writer === '0')
    return r.length > 1 && Number(r[0].rev) === answerRev ? r : null
  }, "main's commits of the answer up to its last")
  assert.match(streamed.at(-1).text, /done: false/, 'the first chunk')

  // the screenshot: the counter's restore selected
  await inspector.click(`#timeline tr[data-kind="commit"][data-store="counter"][data-rev="${restored.rev}"]`)
  await inspector.waitForSelector('#commit-value', { timeout: WAIT_MS })
  mkdirSync(artifacts, { recursive: true })
  await inspector.screenshot({ path: path.join(artifacts, 'inspector.png') })
  if (process.env.UPDATE_DEMO_SCREENSHOT) await inspector.screenshot({ path: path.join(root, 'docs', 'inspector.png') })

  // destroy() closes it
  const closed = new Promise(resolve => win.once('closed', resolve))
  ipc.destroy()
  await closed
  assert.equal(win.isDestroyed(), true)
  assert.deepEqual(standIn.pageErrors(), [])
})
