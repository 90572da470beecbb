import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { contentSecurityPolicy } from './src-main/desktop/contentSecurityPolicy.ts';

const port = Number(process.env.PORT ?? 4173);
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * The page's Content-Security-Policy as a <meta> tag, from the one definition the desktop app sends as
 * a header too (src-main/desktop/contentSecurityPolicy.ts), so index.html holds no copy of its own.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'slm-content-security-policy',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy('web') }, injectTo: 'head-prepend' },
    ],
  };
}

// The renderer: built into dist/renderer, loaded by Electron from app://slm/ or served by
// `npm run web` for a browser, where the model service runs in a Web Worker.
export default defineConfig(({ command }) => {
  // A build is for production whatever NODE_ENV the shell or a test runner has (vitest's is `test`):
  // vite would take it, and Svelte would then build its development runtime, several times slower.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root: 'src-renderer',
    base: './',
    plugins: [contentSecurityPolicyMeta(), svelte()],
    define: { __APP_VERSION__: JSON.stringify(version) },
    build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'es2022', sourcemap: false },
    worker: { format: 'es' },
    server: { host: '127.0.0.1', port },
    preview: { host: '127.0.0.1', port, strictPort: true },
  };
});
