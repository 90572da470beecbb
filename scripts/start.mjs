// `npm start`: launches the desktop app on the built bundles. If Electron's binary is not installed
// (npm may skip its download step), it tries that step once; where that cannot work it says so in one
// line and points at the browser version.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const folder = join('node_modules', 'electron');

function electronBinary() {
  const pathFile = join(folder, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(folder, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

let binary = process.env.ELECTRON_BINARY || electronBinary();
if (!binary && existsSync(join(folder, 'install.js'))) {
  spawnSync(process.execPath, [join(folder, 'install.js')], { stdio: 'ignore', timeout: 300_000 });
  binary = electronBinary();
}
if (!binary) {
  console.error(
    "slm: Electron's binary is not installed and could not be downloaded (node_modules/electron/dist is empty); run `npx install-electron --no` where Electron's download servers can be reached, or use slm studio in a browser with `npm run web`, or in the terminal with `npx slm chat`.",
  );
  process.exit(1);
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
