// The example as an Electron app: `npm run build` bundles preload.js and page.js into dist/
// (see README.md), then `electron app.js`.
import { fileURLToPath } from 'node:url'

import { app } from 'electron'

import { start } from './main.js'

const here = path => fileURLToPath(new URL(path, import.meta.url))

app.whenReady().then(() => start({ preload: here('./dist/preload.cjs'), page: here('./index.html') }))
app.on('window-all-closed', () => app.quit())
