import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.jsx'
import './style.css'

// Which window this is: main opens dist/index.html?name=A (or B).
const name = new URLSearchParams(location.search).get('name') || '?'
document.title = `Window ${name}`

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App name={name} />
  </StrictMode>
)
