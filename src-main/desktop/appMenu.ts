import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from './commands.ts';

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  /** A packaged app has no Reload and no developer tools in its View menu. */
  packaged: boolean;
  appName: string;
  /** Asks the renderer to carry out a menu action. */
  send(command: MenuCommand): void;
}

/**
 * The application menu, in the platform's conventions: on macOS the app's own menu comes first and
 * holds About and Quit; elsewhere Quit ends the File menu and About is under Help. Help opens the
 * Glossary and the tour of the view shown.
 */
export function appMenuTemplate({ platform, packaged, appName, send }: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: `About ${appName}`, click: () => send('about') };
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open model…', accelerator: 'CmdOrCtrl+O', click: () => send('openModel') },
      { label: 'Save model as…', accelerator: 'CmdOrCtrl+Shift+S', click: () => send('saveModelAs') },
      { label: 'Export the original’s files…', click: () => send('exportOriginal') },
      { type: 'separator' },
      { label: 'Save lesson…', click: () => send('saveLesson') },
      { label: 'Open lesson…', click: () => send('openLesson') },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit', label: 'Quit' },
    ],
  };
  const development: MenuItemConstructorOptions[] = packaged ? [] : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [...development, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
  };
  const learn: MenuItemConstructorOptions[] = [
    { label: 'Glossary', click: () => send('glossary') },
    { label: 'Tour of this view', click: () => send('tour') },
  ];
  const help: MenuItemConstructorOptions = { role: 'help', submenu: mac ? learn : [...learn, { type: 'separator' }, about] };
  const appMenu: MenuItemConstructorOptions = {
    label: appName,
    submenu: [about, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
  };
  return [...(mac ? [appMenu] : []), file, { role: 'editMenu' }, view, { role: 'windowMenu' }, help];
}
