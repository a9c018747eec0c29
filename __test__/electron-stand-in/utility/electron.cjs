'use strict'
// require('electron') inside a utility process (installed by child.cjs).
module.exports = globalThis[Symbol.for('electron-stand-in.utility-electron')]
