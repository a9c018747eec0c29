// Reads code out of README.md, so the tests run what users read and the README cannot drift.
//
// A section runs from its `## ` / `### ` heading to the next heading of the same or a higher
// level. In it, a fenced block belongs to the file named by the last **`file`** label before it
// (since the previous block); blocks inside <details> … </details> are the alternative form (the
// Quickstart's CommonJS one).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const README = fileURLToPath(new URL('../../../README.md', import.meta.url))

export function readme() {
  return readFileSync(README, 'utf8')
}

/** The text of the section whose heading is `heading` (e.g. '## Quickstart', '### esbuild'). */
export function section(heading, text = readme()) {
  const level = heading.match(/^#+/)[0].length
  const lines = text.split('\n')
  const start = lines.findIndex(line => line === heading || line.startsWith(`${heading} `))
  if (start < 0) throw new Error(`README.md has no section "${heading}"`)
  let end = lines.length
  for (let i = start + 1; i < lines.length; i++) {
    const m = lines[i].match(/^(#+) /)
    if (m && m[1].length <= level && !inFence(lines, i)) {
      end = i
      break
    }
  }
  return lines.slice(start, end).join('\n')
}

function inFence(lines, index) {
  let open = false
  for (let i = 0; i < index; i++) if (/^\s*```/.test(lines[i])) open = !open
  return open
}

/** Every fenced block of a section: { lang, code, file, alternative }. */
export function blocks(text) {
  const result = []
  const lines = text.split('\n')
  let file = null
  let details = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (/<details>/.test(line)) details = true
    if (/<\/details>/.test(line)) details = false
    const fence = line.match(/^(\s*)```(\w*)\s*$/)
    if (!fence) {
      for (const m of line.matchAll(/\*\*`([^`]+)`\*\*/g)) file = m[1]
      continue
    }
    const indent = fence[1].length
    const code = []
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) code.push(lines[i].slice(indent))
    result.push({ lang: fence[2], code: `${code.join('\n')}\n`, file, alternative: details })
    file = null
  }
  return result
}

/** The files of a section, by name: the main form, or the <details> alternative over it. */
export function files(text, { alternative = false } = {}) {
  const out = new Map()
  for (const block of blocks(text)) {
    if (!block.file) continue
    if (block.alternative && !alternative) continue
    out.set(block.file, block.code)
  }
  return out
}
