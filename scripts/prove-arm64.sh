#!/usr/bin/env bash
# Proves the linux-arm64-gnu prebuilt on an x86-64 Debian machine, with Debian's packages only:
#   1. cross-builds nanostore-ipc-bridge.linux-arm64-gnu.node (rustup target + gcc-aarch64-linux-gnu),
#   2. packs it as the nanostore-ipc-bridge-linux-arm64-gnu platform package (scripts/pack.js),
#   3. unpacks Debian's arm64 Node (nodejs:arm64 and its libraries, not installed: extracted into a
#      sysroot) and runs it under qemu-user (qemu-aarch64-static -L <sysroot>),
#   4. loads the package as an app would (node_modules/nanostore-ipc-bridge + the platform package,
#      no override) and checks that native.cjs picked the platform package's binary,
#   5. runs every native test (__test__/native/*.test.js) with that binary under emulation.
#
# Not part of `npm test`: it needs root (apt-get), the network to Debian's mirror and rustup's, and
# a few minutes. Usage: scripts/prove-arm64.sh [work dir]   (default: /tmp/nanostore-ipc-bridge-arm64)
# Exit status: 0 when the binary loads from its package and every native test passes.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-/tmp/nanostore-ipc-bridge-arm64}"
target=aarch64-unknown-linux-gnu
platform=linux-arm64-gnu
binary="nanostore-ipc-bridge.$platform.node"
mkdir -p "$work"

step() { printf '\n== %s\n' "$*"; }

step "host: $(uname -m), $(. /etc/os-release && echo "$PRETTY_NAME"), $(rustc --version)"

step "tools: rust target $target, gcc-aarch64-linux-gnu, qemu-user-static"
rustup target add "$target" >/dev/null
missing=()
command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu)
command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user-static)
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
aarch64-linux-gnu-gcc --version | head -1
qemu-aarch64-static --version | head -1

step "cross-build $binary (release, stripped)"
(
  cd "$repo"
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    npx napi build --platform --release --strip --target "$target" \
    --target-dir "$work/target" --output-dir "$work/out" --no-js --dts native.d.ts
)
file "$work/out/$binary"
ls -l "$work/out/$binary"

step "pack it as a platform package"
node "$repo/scripts/pack.js" --out "$work/pack" --binaries "$work/out" >"$work/pack.json"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  for (const p of r.platforms) console.log(`${p.name}: ${p.tarball} (${p.size} bytes)`)
  console.log(`${r.root.name}: ${r.root.tarball} (${r.root.size} bytes)`)
' "$work/pack.json"

step "arm64 Node from Debian (extracted into a sysroot, nothing installed)"
sysroot="$work/sysroot"
if [ ! -x "$sysroot/usr/bin/node" ]; then
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  apt-get update -qq
  mkdir -p "$work/debs" "$sysroot"
  (
    cd "$work/debs"
    # nodejs:arm64 and the libraries it links, plus the arch-independent modules Debian's
    # node loads at startup (its own package dependencies).
    apt-get download -qq nodejs:arm64 libnode108:arm64 libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 \
      libicu72:arm64 libssl3:arm64 libuv1:arm64 libc-ares2:arm64 libnghttp2-14:arm64 libbrotli1:arm64 \
      zlib1g:arm64 node-acorn node-cjs-module-lexer node-undici 2>/dev/null
    for deb in *.deb; do dpkg -x "$deb" "$sysroot"; done
  )
fi
node_arm64=(qemu-aarch64-static -L "$sysroot" "$sysroot/usr/bin/node")
"${node_arm64[@]}" -p '`node ${process.version} ${process.platform}-${process.arch} (emulated)`'

step "load it as an installed app does: native.cjs must pick the platform package"
app="$work/app"
rm -rf "$app" && mkdir -p "$app/node_modules"
root_tgz="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).root.tarball' "$work/pack.json")"
platform_tgz="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).platforms.find(p => p.platform === process.argv[2]).tarball' "$work/pack.json" "$platform")"
for pair in "nanostore-ipc-bridge:$root_tgz" "nanostore-ipc-bridge-$platform:$platform_tgz"; do
  mkdir -p "$app/node_modules/${pair%%:*}"
  tar -xzf "${pair#*:}" -C "$app/node_modules/${pair%%:*}" --strip-components=1
done
cat >"$app/check.cjs" <<'EOF'
const native = require('./node_modules/nanostore-ipc-bridge/native/index.cjs')
const loaded = Object.keys(require.cache).filter(f => f.endsWith('.node'))
const runtime = new native.StoreRuntime({})
runtime.registerStore('count', { rendererCanSet: true })
runtime.registerWindow(1)
runtime.setWindowState(1, 'ready')
runtime.subscribe(1, ['count'])
const commit = runtime.commit('count')
const check = native.checkSerializable({ a: [1, 2, { b: () => 1 }] })
console.log(JSON.stringify({ arch: process.arch, loaded, commit, check: { ok: check.ok, kind: check.kind, path: check.path } }))
if (loaded.length !== 1 || !loaded[0].includes('/node_modules/nanostore-ipc-bridge-linux-arm64-gnu/')) process.exit(1)
if (commit.rev !== 1 || commit.recipients.join() !== '1' || check.kind !== 'function') process.exit(1)
EOF
(cd "$app" && "${node_arm64[@]}" check.cjs)
echo "loader: OK (the binary came from the platform package)"

step "native tests under emulation, with the arm64 binary"
# Without binfmt_misc (containers) an emulated process cannot exec an arm64 binary itself:
# route the tests' child processes of process.execPath through qemu again.
cat >"$work/qemu-spawn.cjs" <<'EOF'
const childProcess = require('node:child_process')
const { syncBuiltinESMExports } = require('node:module')
const qemu = ['-L', process.env.PROVE_ARM64_SYSROOT]
for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync']) {
  const original = childProcess[name]
  childProcess[name] = function viaQemu(file, args, ...rest) {
    if (file !== process.execPath) return original.call(this, file, args, ...rest)
    const list = Array.isArray(args) ? args : []
    const tail = Array.isArray(args) ? rest : [args, ...rest].filter(a => a !== undefined)
    return original.call(this, process.env.PROVE_ARM64_QEMU, [...qemu, file, ...list], ...tail)
  }
}
syncBuiltinESMExports()
EOF
failed=0
for test_file in "$repo"/__test__/native/*.test.js; do
  log="$work/$(basename "$test_file").tap"
  set +e
  (cd "$repo" && PROVE_ARM64_SYSROOT="$sysroot" PROVE_ARM64_QEMU="$(command -v qemu-aarch64-static)" \
    NODE_OPTIONS="--require $work/qemu-spawn.cjs" NAPI_RS_NATIVE_LIBRARY_PATH="$work/out/$binary" \
    "${node_arm64[@]}" "$test_file" >"$log" 2>&1)
  status=$?
  set -e
  summary="$(grep -E '^# (pass|fail|skipped) ' "$log" | tr '\n' ' ')"
  echo "$(basename "$test_file"): exit $status, $summary"
  grep -E '^not ok' "$log" | sed 's/^/    /' || true
  ((status == 0)) || failed=$((failed + 1))
done

step "summary"
echo "built:  $binary for $target on $(uname -m)"
echo "loaded: from nanostore-ipc-bridge-$platform by native.cjs under $("${node_arm64[@]}" -p '`Node ${process.version} ${process.arch}`') (qemu-user)"
echo "native test files failing under emulation: $failed (logs: $work/*.tap)"
exit $((failed > 0))
