// Runs electronegativity over src-main and fails unless every finding is fixed or explained by a
// comment `electronegativity: CHECK_ID ...` on its line or in the three lines above it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const electronVersion = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version;
const folder = mkdtempSync(join(tmpdir(), 'slm-scan-'));
const report = join(folder, 'findings.csv');
try {
  execFileSync('npx', ['electronegativity', '-i', 'src-main', '-e', electronVersion, '-r', '-o', report], { stdio: 'ignore' });
} catch {
  // It exits non-zero when it finds anything; the report says what.
}

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field.trim()), (field = '');
    else if (c === '\n') row.push(field.trim()), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  if (field || row.length) row.push(field.trim()), rows.push(row);
  return rows;
}

const [, ...findings] = parseCsv(readFileSync(report, 'utf8')).filter((r) => r.length > 4);
rmSync(folder, { recursive: true, force: true });
let unexplained = 0;
for (const [check, severity, confidence, file, location] of findings) {
  const line = Number(location.split(':')[0]);
  let explained = false;
  if (file && file !== 'N/A' && line > 0) {
    const lines = readFileSync(join('src-main', file), 'utf8').split('\n');
    explained = lines.slice(Math.max(0, line - 4), line).some((text) => text.includes(`electronegativity: ${check}`));
  }
  console.log(`${explained ? 'explained ' : 'UNEXPLAINED'} ${check} (${severity}, ${confidence}) ${file}:${location}`);
  if (!explained) unexplained++;
}
console.log(`electronegativity (Electron ${electronVersion}): ${findings.length} findings, ${unexplained} unexplained`);
process.exit(unexplained > 0 ? 1 : 0);
