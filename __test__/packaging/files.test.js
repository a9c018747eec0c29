// What `npm publish` would ship (`npm pack --dry-run`): every file the entries, the loader and the
// source-build fallback need, nothing of the repository's tests, benchmarks, demo or build output;
// the package's metadata and the platform packages agree with each other, with napi's targets and
// with the release workflow; README and CHANGELOG links work on the registry's page (absolute).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const REPOSITORY = 'https://github.com/nanostore-ipc-bridge/nanostore-ipc-bridge'
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

const report = JSON.parse(
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['pack', '--dry-run', '--json'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, npm_config_ignore_scripts: 'true' }
  })
)[0]
const packed = new Set(report.files.map(f => f.path))

test('the tarball: size and contents', t => {
  t.diagnostic(
    `${report.filename}: ${report.size} bytes packed, ${report.unpackedSize} unpacked, ${report.entryCount} files`
  )
  assert.equal(report.entryCount, packed.size)
})

test('nothing of the repository but the package: no tests, bench, demo, docs, build output or binaries', () => {
  const forbidden = [...packed].filter(
    f =>
      /^(__test__|bench|electron-demo|docs|target|npm|node_modules|\.github|\.ci|dist-pack)\//.test(f) ||
      (f.startsWith('scripts/') && f !== 'scripts/install.js') ||
      f.endsWith('.node') ||
      f === 'native/install-status.json'
  )
  assert.deepEqual(forbidden, [])
})

test('every file the README, the entries, the loader and the source build need is in it', () => {
  const needed = [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'native.cjs',
    'native.d.ts',
    'native/index.cjs',
    'native/diagnose.cjs',
    'scripts/install.js',
    'Cargo.toml',
    'Cargo.lock',
    'build.rs',
    // the inspector window's page and preload (main/inspector.js loads them by path)
    'inspector/index.html',
    'inspector/inspector.css',
    'inspector/page.js',
    'inspector/preload.cjs',
    ...readdirSync(join(root, 'src'), { recursive: true })
      .filter(f => f.endsWith('.rs'))
      .map(f => `src/${f.split('\\').join('/')}`)
  ]
  for (const target of Object.values(pkg.exports)) {
    for (const file of typeof target === 'string' ? [target] : Object.values(target)) needed.push(normalize(file))
  }
  assert.deepEqual(
    needed.filter(f => !packed.has(f)),
    []
  )
  assert.equal(pkg.scripts.install, 'node scripts/install.js')
})

test('every relative import and require of a packed file is packed too', () => {
  const missing = []
  for (const file of packed) {
    if (!/\.(c|m)?js$|\.d\.ts$/.test(file)) continue
    const source = readFileSync(join(root, file), 'utf8')
    const specifiers = [
      ...source.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)
    ].map(m => m[1])
    for (const specifier of specifiers) {
      const target = normalize(join(dirname(file), specifier))
      // generated native.cjs looks for optional binaries next to itself: those are not files we ship
      if (/\.node$|\.wasi\.cjs$|\.wasm$/.test(target)) continue
      if (!packed.has(target)) missing.push(`${file} → ${specifier}`)
    }
  }
  assert.deepEqual(missing, [])
})

test('metadata: license file, one repository URL everywhere, keywords', () => {
  assert.equal(pkg.license, 'MIT')
  assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License\n/)
  assert.deepEqual(pkg.repository, { type: 'git', url: `git+${REPOSITORY}.git` })
  assert.equal(pkg.homepage, `${REPOSITORY}#readme`)
  assert.deepEqual(pkg.bugs, { url: `${REPOSITORY}/issues` })
  assert.ok(pkg.keywords.includes('electron') && pkg.keywords.includes('nanostores'))
  assert.equal(pkg.optionalDependencies, undefined, 'wired at publish time (napi pre-publish), not in the repository')
})

test('platform packages: one per napi target, each named, versioned and constrained like the root', () => {
  const dirs = readdirSync(join(root, 'npm')).sort()
  assert.equal(dirs.length, pkg.napi.targets.length)
  for (const dir of dirs) {
    const sub = JSON.parse(readFileSync(join(root, 'npm', dir, 'package.json'), 'utf8'))
    assert.equal(sub.name, `nanostore-ipc-bridge-${dir}`)
    assert.equal(sub.version, pkg.version)
    assert.equal(sub.license, pkg.license)
    assert.deepEqual(sub.repository, pkg.repository, `${dir}: provenance needs the same repository`)
    assert.deepEqual(sub.engines, pkg.engines)
    assert.deepEqual(sub.files, [`nanostore-ipc-bridge.${dir}.node`])
    const [os, cpu, abi] = dir.split('-')
    assert.deepEqual(sub.os, [os])
    assert.deepEqual(sub.cpu, [cpu])
    if (os === 'linux') assert.deepEqual(sub.libc, [abi === 'musl' ? 'musl' : 'glibc'])
  }
})

test('the release workflow builds, tests and publishes every napi target', () => {
  const workflow = readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')
  const build = workflow.slice(workflow.indexOf('  build:'), workflow.indexOf('  test-macos-windows:'))
  const tests = workflow.slice(workflow.indexOf('  test-macos-windows:'), workflow.indexOf('  publish:'))
  const triples = text => [...new Set(text.match(/\b(?:x86_64|aarch64)-[\w-]+\b/g))].sort()
  assert.deepEqual(triples(build), [...pkg.napi.targets].sort(), 'built')
  assert.deepEqual(triples(tests), [...pkg.napi.targets].sort(), 'tested')
  assert.match(workflow, /node: \[["']20["'], ["']22["']\]/, 'the binaries are loaded with Node 20 and 22')
  assert.match(workflow, /id-token: write/, 'provenance needs an OIDC token')
  assert.match(workflow, /npm publish .*--provenance/)
  assert.match(workflow, /napi pre-publish/)
})

test('README and CHANGELOG links are absolute (they must work on the registry page), anchors exist', () => {
  for (const file of ['README.md', 'CHANGELOG.md']) {
    const text = readFileSync(join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '')
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g), ...text.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map(m => m[1])
    assert.ok(targets.length > 0)
    const slugs = new Set(
      [...text.matchAll(/^#+\s+(.+)$/gm)].map(m =>
        m[1]
          .toLowerCase()
          .replace(/[^\w\s-]/g, '')
          .trim()
          .replace(/\s/g, '-')
      )
    )
    for (const target of targets) {
      if (target.startsWith('#')) assert.ok(slugs.has(target.slice(1)), `${file}: anchor ${target}`)
      else assert.match(target, /^https:\/\//, `${file}: ${target}`)
    }
    for (const link of targets.filter(
      t => t.startsWith(`${REPOSITORY}/`) || t.includes('nanostore-ipc-bridge/nanostore-ipc-bridge/main/')
    )) {
      const path = link.replace(/^.*?\/(?:blob|tree)\/main\/|^.*?\/nanostore-ipc-bridge\/main\//, '')
      if (path === link || /\/(issues|compare|releases)/.test(link)) continue
      assert.ok(
        readdirSync(join(root, dirname(path) || '.')).includes(path.split('/').filter(Boolean).at(-1)),
        `${file}: ${link} points at a file of this repository`
      )
    }
  }
})
