/**
 * The house's rules, read from the code's own imports: which folders may import which, and no
 * cycles. Plain text reading: `import ... from '...'`, `export ... from '...'`, `import('...')` and
 * `require('...')`, in TypeScript, JavaScript and Svelte files. docs/ARCHITECTURE.md states the rules.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface SourceFile {
  /** Path from the repository's root, with forward slashes. */
  path: string;
  text: string;
}

export interface Import {
  from: string;
  /** What the import names: a repository path for a relative import, else the package or built-in. */
  to: string;
  relative: boolean;
}

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|svelte)$/;
const IMPORT = /(?:\bimport\s[^'"`;]*?from\s*|\bexport\s[^'"`;]*?from\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(['"])([^'"]+)\1/g;

export function readTree(root: string, folders: string[]): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'node_modules' && !name.startsWith('.')) walk(path);
      } else if (SOURCE.test(name) && !name.endsWith('.d.ts')) {
        files.push({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
      }
    }
  };
  for (const folder of folders) if (existsSync(join(root, folder))) walk(join(root, folder));
  return files;
}

/** Comments out of the way, so an import named in a comment is not taken for one. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function importsOf(file: SourceFile): Import[] {
  const found: Import[] = [];
  for (const match of code(file.text).matchAll(IMPORT)) {
    const name = match[2];
    if (name.startsWith('.')) {
      const to = resolve('/', dirname(file.path), name).slice(1);
      found.push({ from: file.path, to, relative: true });
    } else found.push({ from: file.path, to: name, relative: false });
  }
  return found;
}

export interface Rule {
  name: string;
  /** Which files the rule is about. */
  applies(path: string): boolean;
  /** True when this import breaks the rule. */
  forbids(target: Import): boolean;
}

const NODE_BUILTINS = new Set([
  'assert', 'buffer', 'child_process', 'crypto', 'events', 'fs', 'fs/promises', 'http', 'https', 'module', 'net', 'os', 'path',
  'process', 'stream', 'timers', 'url', 'util', 'vm', 'worker_threads', 'zlib', 'readline', 'perf_hooks', 'tty',
]);
const isNode = (name: string) => name.startsWith('node:') || NODE_BUILTINS.has(name);

/** What the renderer may take from src-main/: the service's protocol and supervisor, the worker's
 * entry, and the preload's contract (its API's types and the commands main sends the page). */
export const RENDERER_MAY_IMPORT = new Set([
  'src-main/service/protocol.ts',
  'src-main/service/supervisor.ts',
  'src-main/service/workerEntry.ts',
  'src-main/desktop/api.ts',
  'src-main/desktop/commands.ts',
]);

/**
 * The model's rooms, each with the rooms it may import. The network (its maths, words and limits) is
 * the floor everything stands on; the kernels serve training and the explanations; training, the
 * files, geometry, the units, dynamics and explanations stand on them and never the other way round.
 */
export const MODEL_ROOMS: Record<string, string[]> = {
  network: [],
  kernel: ['network'],
  training: ['network', 'kernel'],
  formats: ['network', 'training'],
  geometry: ['network'],
  units: ['network', 'kernel', 'training'],
  dynamics: ['network', 'geometry'],
  explanations: ['network', 'kernel', 'training', 'units'],
};
const roomOf = (path: string) => /^src-main\/model\/([^/]+)\//.exec(path)?.[1];

export const RULES: Rule[] = [
  {
    name: 'the model imports no Node built-in, no electron and no host code',
    applies: (path) => path.startsWith('src-main/model/'),
    forbids: (target) =>
      (!target.relative && (isNode(target.to) || target.to === 'electron' || target.to.startsWith('electron/'))) ||
      (target.relative && !target.to.startsWith('src-main/model/')),
  },
  ...Object.entries(MODEL_ROOMS).map(([room, below]): Rule => ({
    name: `the model's ${room} room imports only ${below.length ? below.join(', ') : 'itself'}`,
    applies: (path) => roomOf(path) === room,
    forbids: (target) => target.relative && roomOf(target.to) !== undefined && roomOf(target.to) !== room && !below.includes(roomOf(target.to)!),
  })),
  {
    name: 'the renderer reaches src-main/ only through the protocol, the supervisor, the worker entry and the preload contract',
    applies: (path) => path.startsWith('src-renderer/'),
    forbids: (target) => target.relative && target.to.startsWith('src-main/') && !RENDERER_MAY_IMPORT.has(target.to),
  },
  {
    name: 'the service knows no pixels: it imports nothing of the renderer, and nothing of electron',
    applies: (path) => path.startsWith('src-main/service/'),
    forbids: (target) => (target.relative && target.to.startsWith('src-renderer/')) || target.to === 'electron',
  },
];

/** The model uses no DOM: none of the browser's globals appear in its code. */
const DOM_GLOBALS = /\b(document|window|navigator|localStorage|HTMLElement|HTMLCanvasElement|requestAnimationFrame)\b/;

export function violations(files: SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    for (const target of importsOf(file)) {
      for (const rule of RULES) if (rule.applies(file.path) && rule.forbids(target)) found.push(`${file.path} imports ${target.to}: ${rule.name}`);
    }
    if (file.path.startsWith('src-main/model/') && roomOf(file.path) === undefined) {
      found.push(`${file.path} stands loose: the model is laid out in rooms (${Object.keys(MODEL_ROOMS).join(', ')})`);
    }
    if (file.path.startsWith('src-main/model/')) {
      const match = DOM_GLOBALS.exec(code(file.text).replace(/(['"`])(?:\\.|(?!\1).)*\1/g, ''));
      if (match) found.push(`${file.path} uses the DOM's ${match[1]}: the model runs where there is no DOM`);
    }
  }
  return found;
}

/** Import cycles among the files, each as the paths around it. */
export function cycles(files: SourceFile[]): string[][] {
  const known = new Set(files.map((f) => f.path));
  const edges = new Map<string, string[]>();
  for (const file of files) {
    edges.set(file.path, importsOf(file).filter((t) => t.relative && known.has(t.to)).map((t) => t.to));
  }
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (path: string) => {
    state.set(path, 'open');
    stack.push(path);
    for (const next of edges.get(path) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(path, 'done');
  };
  for (const path of [...known].sort()) if (!state.has(path)) visit(path);
  return found;
}
