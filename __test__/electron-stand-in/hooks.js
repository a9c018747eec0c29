// ESM loader hooks (run on Node's loader thread): the bare specifier 'electron' (and
// 'electron/main') resolves to the stand-in's main-process module.
const TARGET = new URL('./electron.js', import.meta.url).href

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron' || specifier === 'electron/main') {
    return { url: TARGET, shortCircuit: true }
  }
  return nextResolve(specifier, context)
}
