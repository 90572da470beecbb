// The plainest static file server: GET a file under a folder (index.html for a folder), with its
// content type, nothing else; what any static host does for `npm run build:web`'s folder. The browser
// tests serve the built renderer with it: unlike `vite preview`, it does not compress every file again
// for every test's fresh browser context.
//   node scripts/serve-folder.mjs FOLDER [PORT]   serves FOLDER on 127.0.0.1 until stopped.
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/** Serves `folder` on 127.0.0.1 at `port` (0: any free one); resolves once it listens. */
export async function serveFolder(folder, port = 0) {
  const root = resolve(folder);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    let file = join(root, path);
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((done, fail) => server.once('error', fail).listen(port, '127.0.0.1', () => done(undefined)));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(() => done(undefined))),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [folder, port = '0'] = process.argv.slice(2);
  if (!folder) {
    console.error('usage: node scripts/serve-folder.mjs FOLDER [PORT]');
    process.exit(2);
  }
  const site = await serveFolder(folder, Number(port));
  console.log(`Serving ${folder} at ${site.origin}/`);
}
