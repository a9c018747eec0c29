import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.jsx'
import './style.css'

// Which window this is: main opens dist/index.html?name=A (or B), with &strict=1 in
// the strict posture (windows change state only through services).
const params = new URLSearchParams(location.search)
const name = params.get('name') || '?'
document.title = `Window ${name}`

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App name={name} strict={params.get('strict') === '1'} />
  </StrictMode>
)
