// import ... from 'electron' inside a utility process (installed by child.cjs through hooks.mjs).
import electron from './electron.cjs'

export const { net, systemPreferences } = electron
export default electron
