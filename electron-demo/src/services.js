// The shared services module: imported by main.js and bundled into the windows, like
// stores.js. In main, defineService registers the handlers; in a window it returns a
// proxy whose methods call main. The handlers run only in main.
//
// The todo list is the strict production posture in small: its store is read-only in
// windows (rendererCanSet: false), every change is a call to todoService, whose
// handlers check their arguments before anything changes. `npm start -- --strict`
// runs the whole app that way (allowRendererSet: false): the counter and the theme
// then change through appService as well.
import { defineService, getCallContext, syncedAtom } from 'nanostore-ipc-bridge/atom'

import { chunkText } from './answer-text.js'
import { $counter, $settings, $streamRequest } from './stores.js'

/** The todo list: windows read it, only todoService (in main) writes it. */
export const $todos = syncedAtom('todos', [], { rendererCanSet: false })

const MAX_TODOS = 50
const MAX_TEXT = 120
let nextTodoId = 1

function failure(code, message) {
  return Object.assign(new Error(message), { code })
}

function todoAt(id) {
  const todo = $todos.get().find(t => t.id === id)
  if (!todo) throw failure('TODO_NOT_FOUND', `There is no todo #${id}`)
  return todo
}

export const todoService = defineService({
  id: 'todos',
  timeoutMs: 2000,
  // Checked in main before a handler runs: a window cannot send a 10 MB "text".
  validateArgs: (method, args) => {
    if (method === 'add') return args.length === 1 && typeof args[0] === 'string' && args[0].length <= MAX_TEXT
    if (method === 'toggle' || method === 'remove') return args.length === 1 && Number.isInteger(args[0])
    return args.length === 0
  },
  handlers: {
    async add(text) {
      const { windowId } = getCallContext() ?? {}
      const trimmed = text.trim()
      if (!trimmed) throw failure('TODO_EMPTY', 'A todo needs some text')
      if ($todos.get().length >= MAX_TODOS) throw failure('TODO_LIST_FULL', `At most ${MAX_TODOS} todos`)
      const todo = { id: nextTodoId++, text: trimmed, done: false, by: windowId ?? 'main' }
      $todos.set([...$todos.get(), todo])
      // Only windows listening to 'added' get this (the list itself syncs through $todos).
      todoService.broadcast('added', todo)
      return todo
    },
    async toggle(id) {
      const todo = todoAt(id)
      $todos.set($todos.get().map(t => (t === todo ? { ...t, done: !t.done } : t)))
      return !todo.done
    },
    async remove(id) {
      todoAt(id)
      $todos.set($todos.get().filter(t => t.id !== id))
      return true
    },
    async clearDone() {
      const left = $todos.get().filter(t => !t.done)
      const removed = $todos.get().length - left.length
      $todos.set(left)
      return removed
    }
  }
})

/** In the strict posture (allowRendererSet: false), the counter and theme change here. */
export const appService = defineService({
  id: 'app',
  validateArgs: (method, args) => {
    if (method === 'setTheme') return args[0] === 'light' || args[0] === 'dark'
    if (method === 'requestStream') return typeof args[0] === 'string' && args[0].length <= 200
    return args.length === 0
  },
  handlers: {
    async increment() {
      return $counter.update(n => n + 1)
    },
    async setTheme(theme) {
      $settings.set({ ...$settings.get(), theme })
      return theme
    },
    async requestStream(prompt) {
      $streamRequest.set({ seq: $streamRequest.get().seq + 1, prompt })
    }
  }
})

/**
 * A streamed answer for one window only: no store, no broadcast. An async generator in
 * main; the window reads it with `for await`, and leaving the loop stops it here.
 */
export const answerService = defineService({
  id: 'answer',
  handlers: {
    async *stream() {
      const { signal } = getCallContext() ?? {}
      const chunks = chunkText()
      for (let i = 0; i < chunks.length; i++) {
        await new Promise(resolve => setTimeout(resolve, 5 + ((i * 7) % 11)))
        if (signal?.aborted) return
        yield chunks[i]
      }
    }
  }
})
