import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MenuItemConstructorOptions } from 'electron';
import { appMenuTemplate } from '../src-main/desktop/appMenu.ts';
import { CommandOutbox, type DesktopCommand, parseDesktopCommand } from '../src-main/desktop/commands.ts';
import { contentSecurityPolicy } from '../src-main/desktop/contentSecurityPolicy.ts';
import { modelPathFromArgs } from '../src-main/desktop/launchArgs.ts';
import { CONTENT_SECURITY_POLICY } from '../src-main/desktop/rendererFiles.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

function menu(platform: NodeJS.Platform, packaged: boolean) {
  const sent: string[] = [];
  const template = appMenuTemplate({ platform, packaged, appName: 'slm studio', send: (command) => sent.push(command) });
  return { template, items: flatten(template), sent };
}

describe('the application menu', () => {
  it('has File, Edit, View, Window and Help, with Open and Save accelerators, and Quit in File off macOS', () => {
    const { template, items, sent } = menu('linux', true);
    expect(template.map((item) => item.label ?? item.role)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'help']);
    const byLabel = (label: string) => items.find((item) => item.label === label)!;
    expect(byLabel('Open model…').accelerator).toBe('CmdOrCtrl+O');
    expect(byLabel('Save model as…').accelerator).toBe('CmdOrCtrl+Shift+S');
    expect((template[0].submenu as MenuItemConstructorOptions[]).at(-1)?.role).toBe('quit');
    for (const label of ['Open model…', 'Save model as…', 'Export the original’s files…', 'About slm studio']) byLabel(label).click!(undefined as never, undefined, undefined as never);
    expect(sent).toEqual(['openModel', 'saveModelAs', 'exportOriginal', 'about']);
  });

  it('offers Help › Glossary and Help › Tour of this view on every platform, as commands the page checks', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const { template, sent } = menu(platform, true);
      const help = template.find((item) => item.role === 'help')!.submenu as MenuItemConstructorOptions[];
      const labels = help.map((item) => item.label).filter(Boolean);
      expect(labels.slice(0, 2)).toEqual(['Glossary', 'Tour of this view']);
      for (const item of help.slice(0, 2)) item.click!(undefined as never, undefined, undefined as never);
      expect(sent).toEqual(['glossary', 'tour']);
      for (const command of sent) expect(parseDesktopCommand({ command })).toEqual({ command });
    }
  });

  it('offers Reload and the developer tools only when not packaged', () => {
    const roles = (packaged: boolean) => menu('linux', packaged).items.map((item) => item.role).filter(Boolean);
    expect(roles(true)).not.toContain('toggleDevTools');
    expect(roles(true)).not.toContain('reload');
    expect(roles(false)).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
    expect(roles(true)).toEqual(expect.arrayContaining(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']));
  });

  it("puts About and Quit in the app's own menu on macOS", () => {
    const { template } = menu('darwin', true);
    expect(template[0].label).toBe('slm studio');
    const appItems = template[0].submenu as MenuItemConstructorOptions[];
    expect(appItems[0].label).toBe('About slm studio');
    expect(appItems.at(-1)?.role).toBe('quit');
    expect((template[1].submenu as MenuItemConstructorOptions[]).at(-1)?.role).toBe('close');
  });
});

describe('a model file given on the command line', () => {
  it('is the last model file argument, resolved against the launch folder, past options and the app folder', () => {
    expect(modelPathFromArgs(['/opt/slm/slm-studio', 'mia.slm.json'], '/home/ann')).toBe('/home/ann/mia.slm.json');
    expect(modelPathFromArgs(['electron', '.', '--inspect', '/data/w/weights.npz'], '/x')).toBe('/data/w/weights.npz');
    expect(modelPathFromArgs(['slm', 'a.slm.json', 'B.SLM.JSON'], '/x')).toBe('/x/B.SLM.JSON');
    expect(modelPathFromArgs(['slm', '--user-data-dir=/tmp/x.slm.json'], '/x')).toBeNull();
    expect(modelPathFromArgs(['slm.slm.json'], '/x')).toBeNull();
    expect(modelPathFromArgs(['slm', 'notes.txt', 'corpus.json'], '/x')).toBeNull();
  });

  it("is a file URL's file, as a Linux desktop entry's %U passes it, never a relative path", () => {
    expect(modelPathFromArgs(['/opt/slm/slm-studio', 'file:///home/ann/My%20frog.slm.json'], '/home/ann')).toBe('/home/ann/My frog.slm.json');
    expect(modelPathFromArgs(['slm', 'FILE:///data/w/weights.npz'], '/x')).toBe('/data/w/weights.npz');
    // Another machine's file, or a file URL that names no model file, is not opened.
    expect(modelPathFromArgs(['slm', 'file://otherhost/m.slm.json'], '/x')).toBeNull();
    expect(modelPathFromArgs(['slm', 'file:///home/ann/notes.txt'], '/x')).toBeNull();
  });
});

describe('commands from main to the page', () => {
  it('wait until the page has loaded, then arrive in order; while it reloads they wait again', () => {
    const outbox = new CommandOutbox();
    const got: DesktopCommand[] = [];
    outbox.post({ command: 'about' });
    outbox.post({ command: 'openModel' });
    expect(got).toEqual([]);
    outbox.open((command) => got.push(command));
    outbox.post({ command: 'saveModelAs' });
    outbox.close();
    outbox.post({ command: 'exportOriginal' });
    expect(got.map((c) => c.command)).toEqual(['about', 'openModel', 'saveModelAs']);
    outbox.open((command) => got.push(command));
    expect(got.map((c) => c.command)).toEqual(['about', 'openModel', 'saveModelAs', 'exportOriginal']);
  });

  it('are checked on arrival', () => {
    expect(parseDesktopCommand({ command: 'openSource', source: { kind: 'bundled' } })).toEqual({ command: 'openSource', source: { kind: 'bundled' } });
    expect(() => parseDesktopCommand({ command: 'formatDisk' })).toThrow();
    expect(() => parseDesktopCommand({ command: 'openSource', source: { kind: 'url', href: 'https://x' } })).toThrow();
  });
});

describe('the Content-Security-Policy, defined once', () => {
  it('is what the desktop sends, and what the web build writes into its page', async () => {
    expect(CONTENT_SECURITY_POLICY).toBe(contentSecurityPolicy('desktop'));
    const { readFileSync, existsSync } = await import('node:fs');
    const page = join(root, 'dist', 'renderer', 'index.html');
    expect(existsSync(page), 'run npm run build first').toBe(true);
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(readFileSync(page, 'utf8'));
    expect(meta?.[1].replaceAll('&#39;', "'")).toBe(contentSecurityPolicy('web'));
    expect(readFileSync(join(root, 'src-renderer', 'index.html'), 'utf8')).not.toMatch(/Content-Security-Policy/);
  });

  it('ships a renderer built for production, without Svelte’s development runtime', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const assets = join(root, 'dist', 'renderer', 'assets');
    const scripts = readdirSync(assets).filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    // A warning only the development runtime has: it comes with its patch of Array.prototype.indexOf,
    // which made every indexOf in the page (axe's among them) several times slower.
    const development = scripts.filter((file) => readFileSync(join(assets, file), 'utf8').includes('state_proxy_equality_mismatch'));
    expect(development, 'scripts with the development runtime').toEqual([]);
  });

  it('differs between the hosts only where they do', () => {
    const desktop = contentSecurityPolicy('desktop').split('; ');
    const web = contentSecurityPolicy('web').split('; ');
    expect(desktop.filter((d) => !web.includes(d))).toEqual(["script-src 'self'", "frame-ancestors 'none'"]);
    expect(web.filter((d) => !desktop.includes(d))).toEqual(["script-src 'self' 'wasm-unsafe-eval'"]);
  });
});

describe('one instance', () => {
  it('a second launch quits at once: no window, no model service', () => {
    const script = `require(${JSON.stringify(join(root, 'tests', 'fakes', 'desktopMain.cjs'))}).loadDesktopMain().then(({ fake }) => {
      console.log(JSON.stringify({ quit: Boolean(fake.quitCalled), windows: fake.windows.length, services: fake.utilityProcesses.length }));
      process.exit(0);
    });`;
    const output = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, SLM_FAKE_SECOND_INSTANCE: '1' }, encoding: 'utf8' });
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({ quit: true, windows: 0, services: 0 });
  });
});
