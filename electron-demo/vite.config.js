import { defineConfig } from 'vite'

export default defineConfig({
  // Relative asset URLs: the windows load dist/index.html from disk (loadFile).
  base: './',
  // JSX through esbuild (no React plugin needed for a production build).
  esbuild: { jsx: 'automatic' },
  // The package is linked from `..`, which has its own node_modules/nanostores:
  // make the bundle use one copy.
  resolve: { dedupe: ['nanostores', 'react', 'react-dom'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Electron 45 ships Chromium 142.
    target: 'chrome120'
  }
})
