import { describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SourceFile, cycles, importsOf, readTree, violations } from './architecture/imports.ts';

/** The house's rules (docs/ARCHITECTURE.md), held against the code's imports. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tree = readTree(root, ['src-main', 'src-renderer', 'scripts']);

describe("the house's rules", () => {
  it('reads the whole tree', () => {
    expect(tree.filter((f) => f.path.startsWith('src-main/model/')).length).toBeGreaterThan(10);
    expect(tree.filter((f) => f.path.endsWith('.svelte')).length).toBeGreaterThan(10);
    expect(importsOf(tree.find((f) => f.path === 'src-renderer/lib/bridge.ts')!).map((i) => i.to)).toContain('src-main/service/protocol.ts');
  });

  it('the model imports no host, the renderer reaches the model only through the service, the service draws nothing', () => {
    expect(violations(tree)).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles(tree)).toEqual([]);
  });

  it('would catch a forbidden import, DOM use or a cycle', () => {
    const planted: SourceFile[] = [
      { path: 'src-main/model/network/a.ts', text: "import { readFileSync } from 'node:fs';\nimport { b } from './b.ts';\nexport const a = 1;" },
      { path: 'src-main/model/network/b.ts', text: "import { a } from './a.ts';\n// import x from 'electron' (a comment, not an import)\nexport const b = document.title;" },
      { path: 'src-main/model/c.ts', text: "import { ModelService } from '../service/handler.ts';" },
      { path: 'src-renderer/lib/x.ts', text: "import { tanh } from '../../src-main/model/network/network.ts';\nimport type { Request } from '../../src-main/service/protocol.ts';" },
      { path: 'src-main/service/y.ts', text: "import { BrowserWindow } from 'electron';" },
      { path: 'src-main/model/network/d.ts', text: "import { train } from '../training/training.ts';" },
      { path: 'src-main/model/units/e.ts', text: "import { explain } from '../explanations/explain.ts';\nimport { run } from '../network/network.ts';" },
    ];
    expect(violations(planted)).toEqual([
      expect.stringMatching(/^src-main\/model\/network\/a\.ts imports node:fs/),
      expect.stringMatching(/^src-main\/model\/network\/b\.ts uses the DOM's document/),
      expect.stringMatching(/^src-main\/model\/c\.ts imports src-main\/service\/handler\.ts/),
      expect.stringMatching(/^src-main\/model\/c\.ts stands loose/),
      expect.stringMatching(/^src-renderer\/lib\/x\.ts imports src-main\/model\/network\/network\.ts/),
      expect.stringMatching(/^src-main\/service\/y\.ts imports electron/),
      expect.stringMatching(/^src-main\/model\/network\/d\.ts imports src-main\/model\/training\/training\.ts: the model's network room imports only itself/),
      expect.stringMatching(/^src-main\/model\/units\/e\.ts imports src-main\/model\/explanations\/explain\.ts/),
    ]);
    expect(cycles(planted)).toEqual([['src-main/model/network/a.ts', 'src-main/model/network/b.ts', 'src-main/model/network/a.ts']]);
  });
});
