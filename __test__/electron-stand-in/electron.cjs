'use strict'
// require('electron') in the main process, through the stand-in's loader hook (register.js).
module.exports = require('./electron-main.cjs').electron
