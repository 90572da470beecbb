// `npm start`: launches the desktop app on the built bundles, or says in one line why it cannot.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function electronBinary() {
  const folder = join('node_modules', 'electron');
  const pathFile = join(folder, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(folder, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = process.env.ELECTRON_BINARY || electronBinary();
if (!binary) {
  console.error(
    'slm: the Electron binary is not installed (node_modules/electron/dist is empty); fetch it with `npx install-electron --no` where its download servers can be reached, or run `npm run web` to use slm studio in a browser.',
  );
  process.exit(1);
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
