/**
 * The renderer's Content-Security-Policy, defined once for both hosts. The desktop app sends it as a
 * header with every app:// response (desktop/rendererFiles.ts); the browser build carries it as a
 * <meta> tag that vite.config.ts writes into index.html. Plain TypeScript: no Node, no DOM.
 *
 * Both allow nothing from the network, no eval and no plugins. They differ only where the hosts do:
 * in a browser the model service runs in a Web Worker whose training kernel is WebAssembly
 * ('wasm-unsafe-eval'); on the desktop it runs in a utility process, so the page compiles none.
 * A <meta> policy cannot carry frame-ancestors (browsers ignore it there and warn).
 */
export type PolicyHost = 'desktop' | 'web';

export function contentSecurityPolicy(host: PolicyHost): string {
  const directives = [
    "default-src 'self'",
    host === 'web' ? "script-src 'self' 'wasm-unsafe-eval'" : "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ];
  if (host === 'desktop') directives.push("frame-ancestors 'none'");
  return directives.join('; ');
}
