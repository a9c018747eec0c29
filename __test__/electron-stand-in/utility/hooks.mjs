// ESM resolve hook of a utility process: 'electron' and its aliases resolve to the utility module.
const TARGET = new URL('./electron.mjs', import.meta.url).href
const NAMES = new Set(['electron', 'electron/main', 'electron/renderer', 'electron/common', 'electron/utility'])

export async function resolve(specifier, context, nextResolve) {
  if (NAMES.has(specifier)) return { url: TARGET, shortCircuit: true }
  return nextResolve(specifier, context)
}
