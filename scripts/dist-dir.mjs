// `npm run dist:dir`: the unpacked desktop app (out/linux-unpacked), built offline from the Electron
// folder that ELECTRON_DIST names (or the installed electron package's, when it has its binary).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const installed = join('node_modules', 'electron', 'dist');
const electronDist = process.env.ELECTRON_DIST ? resolve(process.env.ELECTRON_DIST) : existsSync(join(installed, 'electron')) ? resolve(installed) : null;
if (!electronDist) {
  console.error('slm: set ELECTRON_DIST to a folder holding an Electron build (its `electron` binary and resources) to build the unpacked app offline.');
  process.exit(1);
}
execFileSync('npx', ['electron-builder', '--config', 'electron.config.ts', '--linux', 'dir', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, ELECTRON_DIST: electronDist },
});
