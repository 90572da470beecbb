import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const port = Number(process.env.PORT ?? 4173);

// The renderer: built into dist/renderer, loaded by Electron from app://slm/ or served by
// `npm run web` for a browser, where the model service runs in a Web Worker.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [svelte()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'es2022', sourcemap: false },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port },
  preview: { host: '127.0.0.1', port, strictPort: true },
});
