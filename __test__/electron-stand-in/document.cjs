'use strict'
// Turns what loadFile/loadURL points at into the scripts a window runs, in order:
//   - an .html file: its <script> elements in document order. A classic <script> (src or inline) runs
//     as it is, like a browser does; a <script type="module"> is bundled with esbuild (iife, browser).
//   - a .js/.mjs/.ts file: treated like <script type="module" src>: bundled.
// Bundles resolve bare imports from node_modules and the package's own name 'nanostore-ipc-bridge'
// (self reference, through the exports map of /work/main/package.json).
// Results are cached per file and reused while none of the bundle's inputs changed (mtime).
const fs = require('node:fs')
const path = require('node:path')

const PACKAGE_ROOT = path.resolve(__dirname, '..', '..')
const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'))

let esbuild
const cache = new Map() // key -> { inputs: [[file, mtimeMs]], value }

function pickExport(target) {
  if (typeof target === 'string') return target
  if (target && typeof target === 'object') {
    for (const cond of ['browser', 'import', 'default']) {
      if (cond in target) {
        const r = pickExport(target[cond])
        if (r) return r
      }
    }
  }
  return null
}

const selfReferencePlugin = {
  name: 'self-reference',
  setup(build) {
    const re = new RegExp(`^${pkg.name.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')}(/.*)?$`)
    build.onResolve({ filter: re }, args => {
      const sub = `.${args.path.slice(pkg.name.length) || ''}`
      const target = pickExport(pkg.exports?.[sub])
      if (!target) return { errors: [{ text: `'${args.path}' is not exported by ${pkg.name}/package.json` }] }
      return { path: path.join(PACKAGE_ROOT, target) }
    })
  }
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return -1
  }
}

function fresh(entry) {
  return entry?.inputs.every(([f, m]) => mtime(f) === m)
}

async function bundle(options, key, extraInputs = []) {
  const hit = cache.get(key)
  if (fresh(hit)) return hit.value
  esbuild ??= require('esbuild')
  const result = await esbuild.build({
    ...options,
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: PACKAGE_ROOT,
    // pages outside the package (temp dirs) still find the package's dependencies
    nodePaths: [path.join(PACKAGE_ROOT, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"development"' },
    plugins: [selfReferencePlugin]
  })
  const code = result.outputFiles[0].text
  const inputs = Object.keys(result.metafile.inputs)
    .filter(f => !f.startsWith('<'))
    .map(f => path.resolve(PACKAGE_ROOT, f))
  for (const f of extraInputs) inputs.push(f)
  cache.set(key, { inputs: inputs.map(f => [f, mtime(f)]), value: code })
  return code
}

async function bundleFile(file) {
  return bundle({ entryPoints: [file] }, `file:${file}`)
}

async function bundleInline(contents, htmlFile, index) {
  return bundle(
    { stdin: { contents, resolveDir: path.dirname(htmlFile), sourcefile: `${htmlFile}#script${index}`, loader: 'js' } },
    `inline:${htmlFile}#${index}:${contents}`,
    [htmlFile]
  )
}

function notFound(_file, url) {
  const err = new Error(`ERR_FILE_NOT_FOUND (-6) loading '${url}'`)
  err.code = 'ERR_FILE_NOT_FOUND'
  err.errno = -6
  err.url = url
  return err
}

const SCRIPT_RE = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi
const ATTR_RE = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g

function parseAttrs(s) {
  const attrs = {}
  for (const m of s.matchAll(ATTR_RE)) attrs[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? ''
  return attrs
}

const IFRAME_RE = /<iframe\b([^>]*)>/gi
const fileUrlOnly = u => (u.protocol === 'file:' ? require('node:url').fileURLToPath(u) : null)

/**
 * @param {string} file absolute path
 * @param {string} url URL of the document (file:, or an origin served by standIn.serve)
 * @param {(url: string) => string | null} [fileOf] the file behind a URL (default: file: URLs only)
 * @returns {Promise<{ filename: string, code: string }[] & { iframes?: { url: string, name: string }[] }>}
 *   the scripts in order; for an .html document, `iframes`: its <iframe src> elements (absolute URLs)
 */
async function buildDocument(file, url, fileOf = u => fileUrlOnly(new URL(u))) {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw notFound(file, url)
  const ext = path.extname(file).toLowerCase()
  if (ext !== '.html' && ext !== '.htm') {
    return [{ filename: url, code: await bundleFile(file) }]
  }
  const html = fs.readFileSync(file, 'utf8')
  const scripts = []
  let index = 0
  for (const m of html.matchAll(SCRIPT_RE)) {
    const attrs = parseAttrs(m[1])
    const isModule = (attrs.type || '').toLowerCase() === 'module'
    const i = index++
    if (attrs.src !== undefined) {
      const src = new URL(attrs.src, url)
      const srcFile = fileOf(src.href)
      if (srcFile === null) {
        throw new Error(
          `electron-stand-in: ${file}: only local or served <script src> is supported (got '${attrs.src}')`
        )
      }
      if (!fs.existsSync(srcFile)) {
        // a browser logs the failed script and goes on
        scripts.push({
          filename: src.href,
          code: `console.error(${JSON.stringify(`Failed to load resource: ${src.href}`)})`
        })
        continue
      }
      scripts.push({
        filename: src.href,
        code: isModule ? await bundleFile(srcFile) : fs.readFileSync(srcFile, 'utf8')
      })
    } else {
      const body = m[2]
      if (!body.trim()) continue
      scripts.push({ filename: `${url}#script${i}`, code: isModule ? await bundleInline(body, file, i) : body })
    }
  }
  scripts.iframes = []
  for (const m of html.matchAll(IFRAME_RE)) {
    const attrs = parseAttrs(m[1])
    if (!attrs.src) continue
    scripts.iframes.push({ url: new URL(attrs.src, url).href, name: attrs.name ?? '' })
  }
  return scripts
}

function readPreload(file) {
  if (!file) return null
  const abs = path.resolve(file)
  const m = mtime(abs)
  const key = `preload:${abs}`
  const hit = cache.get(key)
  if (hit && hit.inputs[0][1] === m) return hit.value
  let source
  try {
    source = fs.readFileSync(abs, 'utf8')
  } catch {
    // Electron logs "Unable to load preload script" and loads the page without it
    source = `throw new Error(${JSON.stringify(`ENOENT: no such file or directory, open '${abs}'`)});`
  }
  const value = { filename: abs, source: source.replace(/^#!.*/, '') }
  cache.set(key, { inputs: [[abs, m]], value })
  return value
}

module.exports = { buildDocument, readPreload, PACKAGE_ROOT }
