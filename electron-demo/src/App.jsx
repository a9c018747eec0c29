import { useEffect, useRef, useState } from 'react'
import { useStore } from '@nanostores/react'
import { $todos, answerService, appService, todoService } from './services.js'
import { $answer, $counter, $settings, $streamRequest } from './stores.js'

const PROMPT = 'Why does an Electron app need store sync?'

// Strict posture: every change is a service call. Otherwise windows write stores.
// (update(): an atomic increment, so clicks in two windows at once both count.)
const actions = strict => ({
  increment: () => (strict ? appService.increment() : $counter.update(n => n + 1)),
  setTheme: theme => (strict ? appService.setTheme(theme) : $settings.set({ ...$settings.get(), theme })),
  requestStream: prompt =>
    strict ? appService.requestStream(prompt) : $streamRequest.set({ seq: $streamRequest.get().seq + 1, prompt })
})

function Counter({ act }) {
  const count = useStore($counter)
  return (
    <section className="card">
      <h2>Counter</h2>
      <div className="row">
        <output className="big" data-testid="counter-value">
          {count}
        </output>
        <button
          type="button"
          className="primary"
          data-testid="counter-increment"
          aria-label="Increment the counter"
          onClick={() => act.increment()}
        >
          +
        </button>
      </div>
      <p className="hint">Click + here, watch the other window.</p>
    </section>
  )
}

function Theme({ act }) {
  const { theme } = useStore($settings)
  const dark = theme === 'dark'
  return (
    <section className="card">
      <h2>Theme</h2>
      <div className="row">
        <span className="value" data-testid="theme-value">
          {theme}
        </span>
        <button
          type="button"
          role="switch"
          aria-checked={dark}
          aria-label="Dark theme"
          className="switch"
          data-testid="theme-toggle"
          onClick={() => act.setTheme(dark ? 'light' : 'dark')}
        >
          <span className="knob" />
        </button>
      </div>
      <p className="hint">
        Stored in <code>$settings</code>, shared by main and every window.
      </p>
    </section>
  )
}

/** How many updates of the current answer reached this window (throttling at work). */
function useUpdatesReceived() {
  const [received, setReceived] = useState(0)
  const current = useRef({ id: $answer.get().id, n: 0 })
  useEffect(
    () =>
      $answer.listen(answer => {
        if (answer.id !== current.current.id) current.current = { id: answer.id, n: 0 }
        current.current.n++
        setReceived(current.current.n)
      }),
    []
  )
  return received
}

function Stream({ act }) {
  const answer = useStore($answer)
  const received = useUpdatesReceived()
  const streaming = !answer.done
  const start = () => act.requestStream(PROMPT)
  return (
    <section className="card stream">
      <div className="row">
        <h2>Streamed answer</h2>
        <button type="button" className="primary" data-testid="stream-start" onClick={start}>
          {streaming ? 'Restart stream' : 'Start stream'}
        </button>
      </div>
      <div className="answer" data-testid="stream-text" aria-live="polite">
        {answer.text}
      </div>
      <div className="status">
        <span
          className={`badge ${streaming ? 'busy' : 'done'}`}
          data-testid="stream-done"
          data-done={String(answer.done)}
        >
          {streaming ? 'streaming…' : answer.id ? 'done' : 'idle'}
        </span>
        <span className="meta">
          {answer.id
            ? `#${answer.id} · ${answer.text.length} chars · ${received} updates here`
            : 'throttled to 10 updates/s'}
        </span>
      </div>
    </section>
  )
}

/** The same answer from answerService.stream(): to this window only, no store involved. */
function PrivateStream() {
  const [text, setText] = useState('')
  const [state, setState] = useState('idle')
  const stop = useRef(false)
  const start = async () => {
    stop.current = false
    setText('')
    setState('streaming')
    let received = ''
    for await (const chunk of answerService.stream()) {
      if (stop.current) break // leaving the loop stops the generator in main
      received += chunk
      setText(received)
    }
    setState(stop.current ? 'stopped' : 'done')
  }
  return (
    <section className="card private">
      <div className="row">
        <h2>Streamed to this window only</h2>
        {state === 'streaming' ? (
          <button type="button" data-testid="private-stream-stop" onClick={() => (stop.current = true)}>
            Stop
          </button>
        ) : (
          <button type="button" className="primary" data-testid="private-stream-start" onClick={start}>
            Stream here
          </button>
        )}
      </div>
      <div className="answer" data-testid="private-stream-text" data-state={state}>
        {text}
      </div>
      <p className="hint">
        <code>for await</code> over a service method written as an async generator: no store, nothing sent to the other
        window.
      </p>
    </section>
  )
}

function Todos() {
  const todos = useStore($todos)
  const [text, setText] = useState('')
  const [error, setError] = useState(null)
  const [lastAdded, setLastAdded] = useState(null)
  // An event main broadcasts only to windows that listen to it.
  useEffect(() => todoService.on('added', todo => setLastAdded(todo)), [])
  const run = promise =>
    promise.then(
      () => setError(null),
      e => setError(`${e.code}: ${e.message}`)
    )
  const add = event => {
    event.preventDefault()
    run(todoService.add(text).then(() => setText('')))
  }
  return (
    <section className="card">
      <div className="row">
        <h2>Todos</h2>
        <button type="button" data-testid="todo-clear" onClick={() => run(todoService.clearDone())}>
          Clear done
        </button>
      </div>
      <form className="row" onSubmit={add}>
        <input
          data-testid="todo-input"
          aria-label="New todo"
          value={text}
          maxLength={200}
          onChange={e => setText(e.target.value)}
          placeholder="Something to do"
        />
        <button type="submit" className="primary" data-testid="todo-add">
          Add
        </button>
      </form>
      <ul className="todos" data-testid="todo-list">
        {todos.map(todo => (
          <li key={todo.id} data-done={String(todo.done)}>
            <label>
              <input type="checkbox" checked={todo.done} onChange={() => run(todoService.toggle(todo.id))} />
              <span>{todo.text}</span>
            </label>
            <span className="meta">window {todo.by}</span>
            <button type="button" aria-label={`Remove ${todo.text}`} onClick={() => run(todoService.remove(todo.id))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="error" data-testid="todo-error">
          {error}
        </p>
      )}
      <p className="hint">
        {lastAdded ? `Last added: "${lastAdded.text}" (window ${lastAdded.by}). ` : ''}
        Read-only in windows: every change is a call to <code>todoService</code> in main.
      </p>
    </section>
  )
}

export function App({ name, strict = false }) {
  const act = actions(strict)
  const { theme } = useStore($settings)
  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])
  return (
    <main>
      <header>
        <h1>Window {name}</h1>
        <span className="tag" data-testid="posture">
          {strict ? 'strict: changes only through services' : 'nanostore-ipc-bridge'}
        </span>
      </header>
      <div className="grid">
        <Counter act={act} />
        <Theme act={act} />
      </div>
      <Stream act={act} />
      <PrivateStream />
      <Todos />
    </main>
  )
}
