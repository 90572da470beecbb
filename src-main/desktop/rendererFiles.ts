import { extname, join, normalize, sep } from 'node:path';
import { DESKTOP_SHELL_QUERY } from './api.ts';
import { contentSecurityPolicy } from './contentSecurityPolicy.ts';

/**
 * How the app serves its renderer: from its own `app://slm/` scheme, mapped onto the packaged
 * renderer folder, never from the network. Everything here is plain Node so it can be tested.
 */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://slm`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** The page the desktop window loads; `shell=desktop` tells the renderer it must use the preload's API. */
export const DESKTOP_ENTRY = `${APP_ENTRY}?${DESKTOP_SHELL_QUERY}`;

/** Sent as a header with every response the window gets. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy('desktop');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file an `app://slm/...` URL names inside `root`, or null for any other origin or for a path
 * that tries to leave the folder.
 */
export function resolveAppUrl(url: string, root: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path === '/' || path === '') path = '/index.html';
  if (path.includes('\0')) return null;
  const file = normalize(join(root, path));
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  return file.startsWith(base) ? file : null;
}

/** True when an IPC message or navigation comes from the app's own page. */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
