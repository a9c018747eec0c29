// End to end: the demo app (electron-demo/main.js, the real file) under the Electron stand-in, its
// two windows real pages in headless Chromium (backends/chromium.js). Clicks in window A must show
// in window B; a streamed answer must reach B in full although B is reloaded mid-stream; a closed
// window must leave nothing behind in main. Every wait is a bounded wait on a condition.
//
// Needs: /usr/bin/chromium (apt-get install -y chromium) and the demo's dependencies (vite, react,
// @nanostores/react: installed by the root `npm install`). Without them the test is skipped, and
// fails under CI=true. Screenshots: __test__/e2e/.artifacts/window-{a,b}.png; with
// UPDATE_DEMO_SCREENSHOT=1 also docs/demo.png (both windows side by side, for the README).
import '../electron-stand-in/register.js'

import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { pathToFileURL } from 'node:url'

import { createChromiumBackend } from '../electron-stand-in/backends/chromium.js'
import { standIn } from '../electron-stand-in/index.js'
import { WAIT_MS, artifacts, buildDemo, demoDir, missing, root, until } from './demo-app.js'

/** What a window shows: the text of its data-testid elements, the theme and the done flag. */
function view(page) {
  return page
    .evaluate(() => {
      const text = id => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null
      return {
        title: document.title,
        counter: text('counter-value'),
        theme: text('theme-value'),
        htmlTheme: document.documentElement.dataset.theme ?? null,
        background: getComputedStyle(document.body).backgroundColor,
        streamText: text('stream-text'),
        done: document.querySelector('[data-testid="stream-done"]')?.dataset.done ?? null
      }
    })
    .catch(() => null) // the page is navigating or closed: not there yet
}

async function waitForView(page, predicate, what) {
  let last = null
  try {
    return await until(async () => {
      last = (await view(page)) ?? last
      return last && predicate(last) ? last : null
    }, what)
  } catch (err) {
    err.message += `; the window showed ${JSON.stringify(last)}`
    throw err
  }
}

let chromium
let demo
let answerText
let chunkCount

before(async () => {
  if (missing) return
  buildDemo()
  chromium = createChromiumBackend({ viewport: { width: 520, height: 680 } })
  standIn.setBackend(chromium)
  const answer = await import(pathToFileURL(path.join(demoDir, 'src/answer-text.js')).href)
  answerText = answer.ANSWER_TEXT
  chunkCount = answer.chunkText().length
  // The demo's own main process: initNanoStoreIPC, the shared stores, two windows, the streamer.
  const main = await import(pathToFileURL(path.join(demoDir, 'main.js')).href)
  demo = await main.demo
})

after(async () => {
  if (missing) return
  await standIn.reset()
  await chromium.close()
})

test('electron-demo: two Chromium windows stay in sync through main', {
  skip: missing ?? false,
  timeout: 120_000
}, async () => {
  const { ipc, stores, windows } = demo
  const A = windows.A
  const B = windows.B
  const idA = A.webContents.id
  const idB = B.webContents.id
  const pageA = await chromium.waitForPage(idA, { timeoutMs: WAIT_MS })
  let pageB = await chromium.waitForPage(idB, { timeoutMs: WAIT_MS })

  // both windows rendered main's values
  await waitForView(
    pageA,
    v => v.title === 'Window A' && v.counter === '0' && v.theme === 'light',
    'window A to render'
  )
  await waitForView(
    pageB,
    v => v.title === 'Window B' && v.counter === '0' && v.theme === 'light',
    'window B to render'
  )
  const lightBackground = (await view(pageB)).background

  // counter: three clicks in A show in B (and in main)
  for (let i = 0; i < 3; i++) await pageA.getByTestId('counter-increment').click()
  await waitForView(pageB, v => v.counter === '3', "window B's counter to show 3")
  assert.equal(stores.$counter.get(), 3)

  // theme: the switch in A changes B's page
  await pageA.getByTestId('theme-toggle').click()
  const dark = await waitForView(pageB, v => v.theme === 'dark' && v.htmlTheme === 'dark', 'window B to turn dark')
  assert.notEqual(dark.background, lightBackground, 'the dark theme changes the background')
  assert.deepEqual(stores.$settings.get(), { theme: 'dark' })

  // todos: added in A through todoService (the store is read-only in windows), listed in B
  await pageA.getByTestId('todo-input').fill('Buy milk')
  await pageA.getByTestId('todo-add').click()
  await until(
    async () =>
      (
        await pageB
          .getByTestId('todo-list')
          .textContent({ timeout: 1000 })
          .catch(() => '')
      ).includes('Buy milk'),
    "window B's todo list to show the new todo"
  )
  assert.deepEqual(
    demo.services.$todos.get().map(t => [t.text, t.by]),
    [['Buy milk', idA]]
  )

  // a service stream to A only: it arrives in A; Stop leaves the loop and ends the call in main.
  // The stream lasts about 2 s: on a loaded machine it can end before the click lands (the page
  // then shows 'done'), so a run where Stop came too late is repeated, up to three times.
  const privateState = () =>
    pageA
      .getByTestId('private-stream-text')
      .getAttribute('data-state', { timeout: 1000 })
      .catch(() => null)
  let stopped = false
  for (let attempt = 0; attempt < 3 && !stopped; attempt++) {
    await pageA.getByTestId('private-stream-start').click()
    await until(
      async () =>
        (
          (await pageA
            .getByTestId('private-stream-text')
            .textContent({ timeout: 1000 })
            .catch(() => '')) ?? ''
        ).length > 20,
      'the private stream to reach window A'
    )
    // (a DOM click on the button itself: the growing text shifts the layout, so a pointer click
    // waits for the button to stop moving, which is only once the stream has ended)
    await pageA.getByTestId('private-stream-stop').dispatchEvent('click')
    const ended = await until(async () => {
      const state = await privateState()
      return state === 'stopped' || state === 'done' ? state : null
    }, 'window A to end its stream')
    stopped = ended === 'stopped'
  }
  assert.ok(stopped, 'Stop ended the stream in window A before its last chunk')
  await until(() => ipc.stats().openCalls === 0, 'the stream to end in main')
  assert.equal(await pageB.getByTestId('private-stream-text').textContent(), '', 'window B got none of it')

  // stream: started in A; B is reloaded in the middle and still ends with the full text
  standIn.resetStats()
  await pageA.getByTestId('stream-start').click()
  await waitForView(pageB, v => v.done === 'false' && v.streamText.length > 0, 'window B to show part of the answer')
  assert.equal(stores.$answer.get().done, false, 'main is still streaming when B reloads')
  const oldPageB = pageB
  B.webContents.reload()
  pageB = await until(() => {
    const p = chromium.page(idB)
    return p && p !== oldPageB ? p : null
  }, 'window B to reload')
  // (a reloaded page first shows the store's initial value, { done: true, text: '' }, until main answers)
  const endB = await waitForView(
    pageB,
    v => v.done === 'true' && v.streamText === answerText,
    'window B to show the full answer after its reload'
  )
  assert.equal(endB.counter, '3')
  assert.equal(endB.theme, 'dark')
  await waitForView(pageA, v => v.done === 'true' && v.streamText === answerText, 'window A to show the full answer')
  assert.equal(stores.$answer.get().text, answerText)
  assert.equal(stores.$answer.get().done, true)

  // throttleMs: 100 — A got far fewer messages than main made chunks
  const toA = standIn.stats().mainToRenderer.windows[idA]?.messages ?? 0
  assert.ok(toA > 1 && toA < chunkCount / 2, `window A got ${toA} messages for ${chunkCount} chunks`)

  // screenshots of both windows
  mkdirSync(artifacts, { recursive: true })
  const shotA = await pageA.screenshot({ path: path.join(artifacts, 'window-a.png') })
  const shotB = await pageB.screenshot({ path: path.join(artifacts, 'window-b.png') })
  if (process.env.UPDATE_DEMO_SCREENSHOT) await writeSideBySide(shotA, shotB, path.join(root, 'docs', 'demo.png'))

  // close B: main keeps nothing for it
  const statsBefore = ipc.stats()
  const subsOfB = ipc.inspect().windows.find(w => w.id === idB)?.stores.length ?? 0
  assert.ok(subsOfB > 0, 'window B had subscriptions')
  const closed = new Promise(resolve => B.once('closed', resolve))
  B.close()
  await closed
  const afterClose = await until(() => {
    const s = ipc.stats()
    return s.windows === statsBefore.windows - 1 ? s : null
  }, 'main to forget window B')
  assert.equal(afterClose.subscriptions, statsBefore.subscriptions - subsOfB)
  assert.equal(afterClose.trackedWindows, statsBefore.trackedWindows - 1)
  assert.equal(
    ipc.inspect().windows.some(w => w.id === idB),
    false
  )
  for (const store of ipc.inspect().stores)
    assert.ok(!store.subscribers.includes(idB), `${store.id} still lists window B`)

  // A still works
  await pageA.getByTestId('counter-increment').click()
  await until(() => stores.$counter.get() === 4, "main's counter to reach 4")

  assert.deepEqual(standIn.pageErrors(), [])
})

/** docs/demo.png: the two window screenshots side by side on a neutral background. */
async function writeSideBySide(a, b, file) {
  const browser = await chromium.browser()
  const page = await browser.newPage({ viewport: { width: 1100, height: 740 }, deviceScaleFactor: 1 })
  const img = (buf, name) =>
    `<figure><img src="data:image/png;base64,${buf.toString('base64')}"><figcaption>${name}</figcaption></figure>`
  await page.setContent(`<!doctype html><style>
    body { margin: 0; padding: 24px; background: #d9dde3; display: flex; gap: 24px; justify-content: center;
           font: 13px system-ui, sans-serif; color: #3b4250; }
    figure { margin: 0; } img { display: block; border-radius: 10px; box-shadow: 0 6px 24px rgb(0 0 0 / 0.25); }
    figcaption { text-align: center; margin-top: 8px; }
  </style>${img(a, 'Window A')}${img(b, 'Window B (reloaded mid-stream)')}`)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, await page.screenshot({ fullPage: true }))
  await page.close()
}
