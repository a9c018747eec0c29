#!/usr/bin/env node
// Packs what a release publishes, locally: the root package with its optionalDependencies
// wired to the platform packages (what `napi pre-publish` writes into package.json at
// publish time), and a platform package for every binary built here (the host's from
// `npm run build`, others from --binaries <dir>, e.g. the arm64 one of prove-arm64.sh).
//
//   node scripts/pack.js [--out <dir>] [--binaries <dir>]
//
// Prints one JSON object: { root: { name, version, tarball, size, unpackedSize, files },
// unwired: { tarball, size }, platforms: [{ name, platform, tarball, size }] }. The repository is
// not modified.
import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

function writeJson(file, value) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
}

/** `npm pack` of a directory into `out`; returns npm's JSON report of the tarball. */
function npmPack(dir, out) {
  const json = execFileSync(npm, ['pack', '--json', '--pack-destination', out], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_ignore_scripts: 'true' }
  })
  const [report] = JSON.parse(json)
  return { ...report, tarball: join(out, report.filename) }
}

/** The platform packages under npm/: { dir, name, binary } each. */
export function platformPackages() {
  return readdirSync(join(root, 'npm'))
    .sort()
    .map(dir => {
      const pkg = readJson(join(root, 'npm', dir, 'package.json'))
      return { dir, name: pkg.name, binary: pkg.main }
    })
}

export function pack({ out, binaries = root } = {}) {
  mkdirSync(out, { recursive: true })
  const pkg = readJson(join(root, 'package.json'))
  const stage = mkdtempSync(join(tmpdir(), 'nanostore-ipc-bridge-pack-'))
  try {
    // The root package as `npm pack` makes it (kept in out/unwired/: what a platform without a
    // prebuilt binary sees), then its package.json as a release has it.
    mkdirSync(join(out, 'unwired'), { recursive: true })
    const raw = npmPack(root, join(out, 'unwired'))
    execFileSync('tar', ['-xzf', raw.tarball, '-C', stage])
    const manifestPath = join(stage, 'package', 'package.json')
    const manifest = readJson(manifestPath)
    manifest.optionalDependencies = Object.fromEntries(platformPackages().map(p => [p.name, pkg.version]))
    writeJson(manifestPath, manifest)
    const rootReport = npmPack(join(stage, 'package'), out)

    const platforms = []
    for (const p of platformPackages()) {
      const binary = join(binaries, p.binary)
      if (!existsSync(binary)) continue
      const dir = join(stage, 'npm', p.dir)
      mkdirSync(dir, { recursive: true })
      for (const file of readdirSync(join(root, 'npm', p.dir)))
        copyFileSync(join(root, 'npm', p.dir, file), join(dir, file))
      copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'))
      copyFileSync(binary, join(dir, p.binary))
      const report = npmPack(dir, out)
      platforms.push({ name: p.name, platform: p.dir, tarball: report.tarball, size: report.size })
    }
    return {
      root: {
        name: rootReport.name,
        version: rootReport.version,
        tarball: rootReport.tarball,
        size: rootReport.size,
        unpackedSize: rootReport.unpackedSize,
        files: rootReport.files.map(f => f.path)
      },
      unwired: { tarball: raw.tarball, size: raw.size },
      platforms
    }
  } finally {
    rmSync(stage, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, binaries: { type: 'string' } } })
  const result = pack({
    out: resolve(values.out ?? join(root, 'dist-pack')),
    binaries: values.binaries ? resolve(values.binaries) : root
  })
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
}
