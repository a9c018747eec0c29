// `npm run test:package`: the package as a user gets it. Builds the release tarballs, installs them
// into fresh apps in a temp dir (this machine's binary in its platform package, no Rust needed),
// runs the README's Quickstart as written (ES modules and CommonJS), builds the README's bundler
// recipes (esbuild, electron-vite, Electron Forge's Vite plugin, electron-builder) and its React,
// Vue and Svelte components and runs every built app, then walks the install paths that have no
// prebuilt binary (no Rust, scripts skipped, optional dependency omitted, npm's strict allow-scripts).
//
// Every app's main runs under the Electron stand-in with its windows in headless Chromium
// (/usr/bin/chromium): the page must show main's counter ticking and a click must reach main.
// Needs the npm registry (the tools are installed from it) and a built addon (`npm run build`).
import assert from 'node:assert/strict'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join, relative } from 'node:path'
import { after, before, test } from 'node:test'
import { pathToFileURL } from 'node:url'

import {
  PACKAGE,
  PLATFORM_PACKAGE,
  assertAppWorks,
  assertImports,
  hasChromium,
  loadError,
  loadedBinary,
  npm,
  platform,
  readJson,
  readmeInstall,
  repo,
  run,
  runApp,
  tarballs,
  withOverride,
  workspace,
  writeFiles,
  writeJson
} from './apps.js'
import { blocks, files, section } from './readme.js'

// The tools the recipes are built with, pinned: the README's recipes are checked against these.
const TOOLS = {
  '@electron-forge/plugin-vite': '8.0.1',
  '@nanostores/react': '2.0.1',
  '@nanostores/vue': '1.1.0',
  '@sveltejs/vite-plugin-svelte': '7.3.1',
  '@vitejs/plugin-vue': '6.0.11',
  electron: '41.7.1',
  'electron-builder': '26.17.0',
  'electron-vite': '6.0.0',
  esbuild: '0.28.2',
  react: '19.3.1',
  'react-dom': '19.3.1',
  svelte: '5.57.3',
  vite: '8.4.0'
}

const noChromium = !hasChromium() && 'no Chromium at /usr/bin/chromium (apt-get install -y chromium)'
if (noChromium && process.env.CI) throw new Error(`test:package: ${noChromium}`)

const quickstart = section('## Quickstart')
const esmFiles = files(quickstart)
const cjsFiles = files(quickstart, { alternative: true })

let ws
let tars
let quickstartApp
let toolsDir

before(() => {
  ws = workspace()
  tars = tarballs(ws)
})
after(() => ws?.remove())

/** `old` must be in `text`: the README's recipe text names every substitution the test makes. */
function replaced(text, pairs) {
  let out = text
  for (const [from, to] of pairs) {
    assert.ok(out.includes(from), `expected ${JSON.stringify(from)} in:\n${out}`)
    out = out.replace(from, to)
  }
  return out
}

function assertReadmeSays(heading, ...snippets) {
  const text = section(heading)
  for (const s of snippets) assert.ok(text.includes(s), `README ${heading} says ${s}`)
}

function installTools() {
  if (toolsDir) return toolsDir
  toolsDir = ws.dir('tools')
  writeJson(
    join(toolsDir, 'package.json'),
    withOverride(
      {
        name: 'recipes',
        private: true,
        type: 'module',
        dependencies: { [PACKAGE]: `file:${tars.root.tarball}`, nanostores: '^1.0.0' },
        devDependencies: TOOLS
      },
      tars
    )
  )
  npm(['install'], { cwd: toolsDir })
  return toolsDir
}

/** Runs a package's command from the nearest node_modules/.bin, as npm scripts do. */
function bin(dir, name, args, options = {}) {
  for (let at = dir; ; at = dirname(at)) {
    const command = join(at, 'node_modules', '.bin', name)
    if (existsSync(command)) return run(command, args, { cwd: dir, ...options })
    assert.notEqual(dirname(at), at, `no ${name} in a node_modules/.bin above ${dir}`)
  }
}

test('the release tarball installs into a fresh app with its prebuilt binary: no build, no Rust', () => {
  quickstartApp = ws.dir('quickstart')
  const sh = blocks(quickstart).find(b => b.lang === 'sh')
  const installs = sh.code
    .split('\n')
    .map(line => line.replace(/#.*/, '').trim())
    .filter(line => line.startsWith('npm install'))
  assert.deepEqual(installs, ['npm install nanostore-ipc-bridge nanostores', 'npm install --save-dev electron esbuild'])
  writeFiles(quickstartApp, esmFiles)
  writeJson(join(quickstartApp, 'package.json'), withOverride(JSON.parse(esmFiles.get('package.json')), tars))
  for (const line of installs) npm(['install', ...readmeInstall(line, tars)], { cwd: quickstartApp })

  const installed = join(quickstartApp, 'node_modules', PACKAGE)
  assert.deepEqual(readJson(join(installed, 'package.json')).optionalDependencies[PLATFORM_PACKAGE], tars.root.version)
  const { loaded, api } = loadedBinary(quickstartApp)
  assert.deepEqual(api, ['function', 'function'])
  assert.deepEqual(
    loaded.map(f => relative(quickstartApp, f)),
    [join('node_modules', PLATFORM_PACKAGE, `${PACKAGE}.${platform}.node`)]
  )
  assert.deepEqual(
    readdirSync(installed).filter(f => f.endsWith('.node') || f === 'target'),
    [],
    'nothing was built in the package'
  )
  assert.ok(!existsSync(join(installed, 'native', 'install-status.json')))
})

test('Quickstart (ES modules) runs as written', { skip: noChromium }, () => {
  npm(['run', 'build'], { cwd: quickstartApp })
  const result = runApp(quickstartApp, JSON.parse(esmFiles.get('package.json')).main)
  assertAppWorks(result)
  assert.match(result.output, /theme: dark/, 'main saw the window write')
})

test('Quickstart (CommonJS) runs as written', { skip: noChromium }, () => {
  const current = readJson(join(quickstartApp, 'package.json'))
  const cjs = JSON.parse(cjsFiles.get('package.json'))
  assert.equal(cjs.type, undefined, 'the CommonJS form has no "type": "module"')
  const { dependencies, devDependencies, overrides } = current
  writeJson(join(quickstartApp, 'package.json'), { ...cjs, dependencies, devDependencies, overrides })
  writeFiles(
    quickstartApp,
    [...cjsFiles].filter(([name]) => name !== 'package.json')
  )
  assert.match(readFileSync(join(quickstartApp, 'main.js'), 'utf8'), /require\('nanostore-ipc-bridge'\)/)
  rmSync(join(quickstartApp, 'dist'), { recursive: true, force: true })
  npm(['run', 'build'], { cwd: quickstartApp })
  const result = runApp(quickstartApp, cjs.main)
  assertAppWorks(result)
  assert.match(result.output, /theme: dark/)

  // back to the ES module app for the recipes below
  writeJson(join(quickstartApp, 'package.json'), {
    ...JSON.parse(esmFiles.get('package.json')),
    dependencies,
    devDependencies,
    overrides
  })
  writeFiles(
    quickstartApp,
    [...esmFiles].filter(([name]) => name !== 'package.json')
  )
  npm(['run', 'build'], { cwd: quickstartApp })
})

test('esbuild: main bundled with the package external runs', { skip: noChromium }, () => {
  const [command] = blocks(section('### esbuild')).filter(b => b.lang === 'sh')
  const args = command.code.trim().split(/\s+/)
  assert.equal(args.shift(), 'esbuild')
  bin(quickstartApp, 'esbuild', args)
  const pkg = readJson(join(quickstartApp, 'package.json'))
  writeJson(join(quickstartApp, 'package.json'), { ...pkg, main: 'dist/main.js' })
  const bundle = readFileSync(join(quickstartApp, 'dist', 'main.js'), 'utf8')
  assert.match(bundle, /from "nanostore-ipc-bridge"/, 'the package stays an import')
  assert.doesNotMatch(bundle, /StoreRuntime|native\.cjs/, 'none of its code is bundled')
  assertAppWorks(runApp(quickstartApp, 'dist/main.js'))
  writeJson(join(quickstartApp, 'package.json'), pkg)
})

/** The Quickstart's page, its script loaded as a module (Vite builds it). */
function modulePage(script) {
  return replaced(esmFiles.get('index.html'), [
    ['<script src="dist/renderer.js"></script>', `<script type="module" src="${script}"></script>`]
  ])
}

/** A new project directory inside the tools install (packages resolve from its node_modules). */
function project(name, pkg) {
  const dir = join(installTools(), name)
  mkdirSync(dir, { recursive: true })
  writeJson(join(dir, 'package.json'), pkg)
  return dir
}

test('electron-vite: the README config builds main, preload and page; the built app runs', { skip: noChromium }, () => {
  const mainPaths = [
    ["join(app.getAppPath(), 'dist/preload.cjs')", "join(import.meta.dirname, '../preload/index.cjs')"],
    ["win.loadFile('index.html')", "win.loadFile(join(import.meta.dirname, '../renderer/index.html'))"]
  ]
  assertReadmeSays('### electron-vite', ...mainPaths.map(([, to]) => to))
  const dir = project('electron-vite', {
    name: 'electron-vite-app',
    version: '1.0.0',
    private: true,
    type: 'module',
    main: 'out/main/index.js',
    dependencies: { [PACKAGE]: tars.root.version, nanostores: '^1.0.0' }
  })
  writeFiles(dir, [
    ...files(section('### electron-vite')),
    ['src/stores.js', esmFiles.get('src/stores.js')],
    ['src/main/index.js', replaced(esmFiles.get('main.js'), [["'./src/stores.js'", "'../stores.js'"], ...mainPaths])],
    ['src/preload/index.js', esmFiles.get('preload.js')],
    ['src/renderer/index.html', modulePage('./renderer.js')],
    ['src/renderer/renderer.js', replaced(esmFiles.get('renderer.js'), [["'./src/stores.js'", "'../stores.js'"]])]
  ])
  bin(dir, 'electron-vite', ['build'])
  const preload = readFileSync(join(dir, 'out/preload/index.cjs'), 'utf8')
  assert.deepEqual(
    [...new Set(preload.match(/require\("[^"]+"\)/g))],
    ['require("electron")'],
    'preload: one CommonJS file'
  )
  assert.match(readFileSync(join(dir, 'out/main/index.js'), 'utf8'), /from "nanostore-ipc-bridge"/, 'main: external')
  assertAppWorks(runApp(dir, 'out/main/index.js'))
})

test('electron-builder: packages the electron-vite app with the .node outside the asar; the packaged app runs', {
  skip: noChromium || (process.platform !== 'linux' && 'packs a Linux app')
}, async () => {
  const tools = installTools()
  const dir = join(tools, 'electron-vite')
  assert.ok(existsSync(join(dir, 'out/main/index.js')), 'built by the electron-vite test')
  const [config] = blocks(section('### electron-builder')).filter(b => b.lang === 'json')
  // Electron's binary cannot be downloaded here: a stand-in directory plays the unpacked Electron.
  const electronDist = ws.dir('fake-electron')
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\nexit 0\n', { mode: 0o755 })
  const electronVersion = readJson(createRequire(join(tools, 'package.json')).resolve('electron/package.json')).version
  writeJson(join(dir, 'package.json'), {
    ...readJson(join(dir, 'package.json')),
    description: 'electron-builder recipe',
    author: 'test',
    build: {
      ...JSON.parse(config.code),
      appId: 'test.nanostore-ipc-bridge',
      files: ['out/**'],
      directories: { output: 'release' },
      electronDist,
      electronVersion,
      npmRebuild: false,
      linux: { target: 'dir' }
    }
  })
  bin(dir, 'electron-builder', ['--linux', 'dir'])
  const resources = join(dir, 'release/linux-unpacked/resources')
  const asar = await import(pathToFileURL(createRequire(join(tools, 'package.json')).resolve('@electron/asar')).href)
  const packed = asar.listPackage(join(resources, 'app.asar'), { isPack: false })
  for (const file of [`/node_modules/${PACKAGE}/package.json`, `/node_modules/${PACKAGE}/native/index.cjs`]) {
    assert.ok(packed.includes(file), `${file} in app.asar`)
  }
  assert.ok(packed.includes('/node_modules/nanostores/package.json'), 'nanostores in app.asar')
  const unpacked = join(resources, 'app.asar.unpacked/node_modules', PLATFORM_PACKAGE, `${PACKAGE}.${platform}.node`)
  assert.ok(statSync(unpacked).size > 0, 'the .node is in app.asar.unpacked')
  // the packaged files are all main needs: run them (asar extracted, as Electron reads it)
  const extracted = ws.dir('electron-builder-extracted')
  asar.extractAll(join(resources, 'app.asar'), extracted)
  assertAppWorks(runApp(extracted, 'out/main/index.js'))
})

/** Files kept by @electron/packager's `ignore` (paths as it passes them: '/…' from the app root). */
function packagedFiles(root, ignore, rel = '') {
  const out = []
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = `${rel}/${name}`
    if (ignore(path)) continue
    if (statSync(join(root, path)).isDirectory()) out.push(...packagedFiles(root, ignore, path))
    else out.push(path)
  }
  return out
}

test('Electron Forge (Vite plugin): the README config builds, packages the package with the .node unpacked, and runs', {
  skip: noChromium
}, async () => {
  const tools = installTools()
  const mainPaths = [
    ["join(app.getAppPath(), 'dist/preload.cjs')", "join(__dirname, 'preload.cjs')"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the app's source, with Forge's define in it
    ["win.loadFile('index.html')", 'win.loadFile(join(__dirname, `../renderer/${MAIN_WINDOW_VITE_NAME}/index.html`))']
  ]
  assertReadmeSays('### Electron Forge (Vite plugin)', ...mainPaths.map(([, to]) => to), '".vite/build/main.cjs"')
  const dir = project('forge', {
    name: 'forge-app',
    version: '1.0.0',
    private: true,
    type: 'module',
    main: '.vite/build/main.cjs',
    dependencies: { [PACKAGE]: tars.root.version, nanostores: '^1.0.0' }
  })
  writeFiles(dir, [
    ...files(section('### Electron Forge (Vite plugin)')),
    ['vite.preload.config.js', 'export default {}\n'],
    ['vite.renderer.config.js', 'export default {}\n'],
    ['src/stores.js', esmFiles.get('src/stores.js')],
    ['src/main.js', replaced(esmFiles.get('main.js'), [["'./src/stores.js'", "'./stores.js'"], ...mainPaths])],
    ['src/preload.js', esmFiles.get('preload.js')],
    ['index.html', modulePage('/src/renderer.js')],
    ['src/renderer.js', replaced(esmFiles.get('renderer.js'), [["'./src/stores.js'", "'./stores.js'"]])]
  ])
  symlinkSync(join(tools, 'node_modules'), join(dir, 'node_modules'), 'dir')

  // Build as `electron-forge package` does (the plugin's prePackage hook): one worker per target.
  const forgeConfig = (await import(pathToFileURL(join(dir, 'forge.config.js')).href)).default
  const viteEntry = forgeConfig.plugins.find(p => p.name === '@electron-forge/plugin-vite')
  const pluginDir = join(tools, 'node_modules', '@electron-forge', 'plugin-vite')
  const targets = [
    ...viteEntry.config.build.map((_, index) => ['build', index]),
    ...viteEntry.config.renderer.map((_, index) => ['renderer', index])
  ]
  for (const [kind, index] of targets) {
    run(process.execPath, [join(pluginDir, 'dist/subprocess-worker.js')], {
      cwd: dir,
      env: {
        FORGE_VITE_PROJECT_DIR: dir,
        FORGE_VITE_KIND: kind,
        FORGE_VITE_INDEX: String(index),
        FORGE_VITE_CONFIG: JSON.stringify({ build: viteEntry.config.build, renderer: viteEntry.config.renderer })
      }
    })
  }
  const main = readFileSync(join(dir, '.vite/build/main.cjs'), 'utf8')
  assert.match(main, /require\("nanostore-ipc-bridge"\)/, 'main: the package stays external')

  // Package as @electron/packager does with the config Forge resolves (the plugin's hook included).
  const { default: VitePlugin } = await import(pathToFileURL(join(pluginDir, 'dist/VitePlugin.js')).href)
  const plugin = new VitePlugin(viteEntry.config)
  plugin.setDirectories(dir)
  const resolved = await plugin.resolveForgeConfig({
    ...forgeConfig,
    packagerConfig: { ...forgeConfig.packagerConfig }
  })
  const kept = packagedFiles(dir, resolved.packagerConfig.ignore)
  for (const file of [
    '/.vite/build/main.cjs',
    '/.vite/build/preload.cjs',
    '/.vite/renderer/main_window/index.html',
    `/node_modules/${PACKAGE}/native/index.cjs`,
    `/node_modules/${PLATFORM_PACKAGE}/${PACKAGE}.${platform}.node`,
    '/node_modules/nanostores/package.json'
  ]) {
    assert.ok(kept.includes(file), `${file} is packaged`)
  }
  assert.ok(!kept.some(f => f.startsWith('/src/') || f.startsWith('/node_modules/vite/')), 'sources and tools are not')
  const { minimatch } = createRequire(createRequire(join(tools, 'package.json')).resolve('@electron/asar'))('minimatch')
  const unpack = resolved.packagerConfig.asar.unpack
  const natives = kept.filter(f => minimatch(join('/app', f), unpack, { matchBase: true }))
  assert.deepEqual(
    natives,
    [`/node_modules/${PLATFORM_PACKAGE}/${PACKAGE}.${platform}.node`],
    'only the .node is unpacked'
  )

  const buildPath = ws.dir('forge-packaged')
  for (const file of kept) {
    mkdirSync(dirname(join(buildPath, file)), { recursive: true })
    copyFileSync(join(dir, file), join(buildPath, file))
  }
  copyFileSync(join(dir, 'package.json'), join(buildPath, 'package.json'))
  await plugin.packageAfterCopy(resolved, buildPath)
  assertAppWorks(runApp(buildPath, '.vite/build/main.cjs'))
})

const FRAMEWORKS = {
  React: {
    component: 'Counter.jsx',
    mount: [
      'main.jsx',
      "import { createRoot } from 'react-dom/client'\nimport { Counter } from './Counter.jsx'\n\n" +
        "createRoot(document.getElementById('app')).render(<Counter />)\n"
    ],
    plugin: null
  },
  Vue: {
    component: 'Counter.vue',
    mount: [
      'main.js',
      "import { createApp } from 'vue'\nimport Counter from './Counter.vue'\n\ncreateApp(Counter).mount('#app')\n"
    ],
    plugin: ['@vitejs/plugin-vue', 'default']
  },
  Svelte: {
    component: 'Counter.svelte',
    mount: [
      'main.js',
      "import { mount } from 'svelte'\nimport Counter from './Counter.svelte'\n\n" +
        "mount(Counter, { target: document.getElementById('app') })\n"
    ],
    plugin: ['@sveltejs/vite-plugin-svelte', 'svelte']
  }
}

for (const [name, framework] of Object.entries(FRAMEWORKS)) {
  test(`${name}: the README component builds with Vite and renders the stores in the Quickstart app`, {
    skip: noChromium
  }, () => {
    const component = files(section('## In the renderer: React, Vue, Svelte, TypeScript')).get(framework.component)
    assert.ok(component, `README has ${framework.component}`)
    const dir = project(`framework-${name.toLowerCase()}`, {
      name: `${name.toLowerCase()}-app`,
      private: true,
      type: 'module',
      main: 'main.js'
    })
    writeFiles(dir, [
      ['main.js', esmFiles.get('main.js')],
      ['src/stores.js', esmFiles.get('src/stores.js')],
      ['web/stores.js', esmFiles.get('src/stores.js')],
      [`web/${framework.component}`, component],
      [`web/${framework.mount[0]}`, framework.mount[1]],
      [
        'web/index.html',
        `<!doctype html>\n<html><head><meta charset="utf-8" /><title>${name}</title></head>\n` +
          `<body><div id="app"></div><script type="module" src="./${framework.mount[0]}"></script></body></html>\n`
      ],
      [
        'build.js',
        `import { build } from 'vite'\n${framework.plugin ? `import { ${framework.plugin[1]} as plugin } from '${framework.plugin[0]}'\n` : ''}` +
          `await build({ root: 'web', base: './', logLevel: 'warn', plugins: [${framework.plugin ? 'plugin()' : ''}], ` +
          `build: { outDir: '..', emptyOutDir: false } })\n`
      ]
    ])
    mkdirSync(join(dir, 'dist'), { recursive: true })
    copyFileSync(join(quickstartApp, 'dist/preload.cjs'), join(dir, 'dist/preload.cjs'))
    run(process.execPath, ['build.js'], { cwd: dir })
    assertAppWorks(runApp(dir, 'main.js'))
  })
}

/** PATH without any directory that has cargo in it (node stays reachable). */
function pathWithoutCargo() {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(d => d && !existsSync(join(d, 'cargo')))
  const nodeDir = dirname(process.execPath)
  assert.ok(!existsSync(join(nodeDir, 'cargo')), 'node and cargo live in different directories')
  return [nodeDir, ...dirs.filter(d => d !== nodeDir)].join(delimiter)
}

test('no prebuilt binary and no Rust: npm install succeeds, loading says what to install and run; approved, npm rebuild builds it', () => {
  const dir = ws.dir('no-prebuilt')
  writeJson(join(dir, 'package.json'), { name: 'no-prebuilt', private: true, type: 'module' })
  // the package as a platform without a published binary sees it (no optionalDependencies)
  npm(['install', tars.unwired.tarball, 'nanostores'], { cwd: dir, env: { PATH: pathWithoutCargo() } })
  const status = readJson(join(dir, 'node_modules', PACKAGE, 'native', 'install-status.json'))
  assert.equal(status.outcome, 'no-toolchain')
  const error = loadError(dir)
  assert.equal(error.code, 'NATIVE_ADDON_MISSING')
  for (const part of [platform, 'cargo was not found', 'https://rustup.rs', `\`npm rebuild ${PACKAGE}\``]) {
    assert.ok(error.message.includes(part), `${part} in:\n${error.message}`)
  }

  // with Rust: the documented approval, then the rebuild (its cargo target dir is kept under the
  // repository's target/ between runs, so later runs compile only this crate)
  npm(['install-scripts', 'approve', PACKAGE], { cwd: dir })
  assert.deepEqual(Object.values(readJson(join(dir, 'package.json')).allowScripts), [true])
  npm(['rebuild', PACKAGE], { cwd: dir, env: { CARGO_TARGET_DIR: join(repo, 'target', 'package-test') } })
  const { loaded } = loadedBinary(dir)
  assert.deepEqual(
    loaded.map(f => relative(dir, f)),
    [join('node_modules', PACKAGE, `${PACKAGE}.${platform}.node`)]
  )
  assert.ok(!existsSync(join(dir, 'node_modules', PACKAGE, 'native', 'install-status.json')))
  assert.equal(loadError(dir), null)
  assertImports(dir)
})

test('install scripts skipped and no prebuilt binary: loading says to approve the script and rebuild', () => {
  const dir = ws.dir('scripts-skipped')
  writeJson(join(dir, 'package.json'), { name: 'scripts-skipped', private: true, type: 'module' })
  npm(['install', '--ignore-scripts', tars.unwired.tarball, 'nanostores'], { cwd: dir })
  const error = loadError(dir)
  assert.equal(error.code, 'NATIVE_ADDON_MISSING')
  for (const part of ['never ran', `npm install-scripts approve ${PACKAGE}`, `npm rebuild ${PACKAGE}`, platform]) {
    assert.ok(error.message.includes(part), `${part} in:\n${error.message}`)
  }
})

test('optional dependencies omitted, no Rust: loading names the platform package to install; installed, it loads', () => {
  const dir = ws.dir('optional-omitted')
  writeJson(join(dir, 'package.json'), withOverride({ name: 'optional-omitted', private: true, type: 'module' }, tars))
  // without Rust (with it, the install script would build the addon from source instead)
  npm(['install', '--omit=optional', tars.root.tarball, 'nanostores'], { cwd: dir, env: { PATH: pathWithoutCargo() } })
  assert.ok(!existsSync(join(dir, 'node_modules', PLATFORM_PACKAGE)))
  const error = loadError(dir)
  assert.equal(error.code, 'NATIVE_ADDON_MISSING')
  assert.ok(error.message.includes(`npm install ${PLATFORM_PACKAGE}@${tars.root.version}`), error.message)
  // the message's command, with the tarball for the registry's package (so no override for it)
  const { overrides, ...manifest } = readJson(join(dir, 'package.json'))
  assert.ok(overrides[PLATFORM_PACKAGE])
  writeJson(join(dir, 'package.json'), manifest)
  npm(['install', tars.platform.tarball], { cwd: dir })
  assert.equal(loadError(dir), null)
  assertImports(dir)
})

test("npm's strict allow-scripts: the install fails until the package is covered; denied, it installs and uses the prebuilt binary", () => {
  const dir = ws.dir('strict')
  const pkg = withOverride({ name: 'strict', private: true, type: 'module' }, tars)
  writeJson(join(dir, 'package.json'), pkg)
  const refused = npm(['install', '--strict-allow-scripts', tars.root.tarball, 'nanostores'], {
    cwd: dir,
    allowFailure: true
  })
  assert.notEqual(refused.status, 0)
  assert.match(refused.output, /ESTRICTALLOWSCRIPTS/)
  assert.match(refused.output, new RegExp(`${PACKAGE}@${tars.root.version}`))
  assert.ok(!existsSync(join(dir, 'node_modules', PACKAGE)), 'nothing installed')
  // A registry install is covered by the name (`npm pkg set allowScripts.nanostore-ipc-bridge=false
  // --json`, README); a tarball's identity is its file: URL.
  writeJson(join(dir, 'package.json'), { ...pkg, allowScripts: { [`file:${tars.root.tarball}`]: false } })
  npm(['install', '--strict-allow-scripts', tars.root.tarball, 'nanostores'], { cwd: dir })
  assert.equal(loadError(dir), null)
  assertImports(dir)
  assert.ok(loadedBinary(dir).loaded[0].includes(join('node_modules', PLATFORM_PACKAGE)))
})
