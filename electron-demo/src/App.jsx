import { useEffect, useRef, useState } from 'react'
import { useStore } from '@nanostores/react'
import { $answer, $counter, $settings, $streamRequest } from './stores.js'

const PROMPT = 'Why does an Electron app need store sync?'

function Counter() {
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
          onClick={() => $counter.set($counter.get() + 1)}
        >
          +
        </button>
      </div>
      <p className="hint">Click + here, watch the other window.</p>
    </section>
  )
}

function Theme() {
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
          onClick={() => $settings.set({ ...$settings.get(), theme: dark ? 'light' : 'dark' })}
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

function Stream() {
  const answer = useStore($answer)
  const received = useUpdatesReceived()
  const streaming = !answer.done
  const start = () => {
    const { seq } = $streamRequest.get()
    $streamRequest.set({ seq: seq + 1, prompt: PROMPT })
  }
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

export function App({ name }) {
  const { theme } = useStore($settings)
  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])
  return (
    <main>
      <header>
        <h1>Window {name}</h1>
        <span className="tag">nanostore-ipc-bridge</span>
      </header>
      <div className="grid">
        <Counter />
        <Theme />
      </div>
      <Stream />
    </main>
  )
}
