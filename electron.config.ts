/**
 * electron-builder configuration: `npm run dist` builds installers (AppImage and deb on Linux, dmg on
 * macOS, nsis on Windows) where their tools can be fetched; `npm run dist:dir` builds the unpacked
 * app offline from the Electron folder that ELECTRON_DIST names.
 */
import type { Configuration } from 'electron-builder';

const config: Configuration = {
  appId: 'studio.slm.app',
  productName: 'slm studio',
  copyright: 'slm studio contributors',
  directories: { output: 'out', buildResources: 'resources/icons' },
  asar: true,
  // The app itself: the bundles, the renderer and Boris's model and corpus (the service reads them
  // from inside the asar). Sources, tests and development tools stay out.
  files: ['package.json', 'dist/electron/**', 'dist/renderer/**', 'resources/models/**', 'resources/corpus/**', '!**/*.map'],
  electronDist: process.env.ELECTRON_DIST || undefined,
  npmRebuild: false,
  // Fuses: switches compiled into the Electron binary, flipped when it is packed and read back by
  // tests/packaging.test.ts. The packed app cannot be run as plain Node (RunAsNode), steered by
  // NODE_OPTIONS or opened to a debugger from its command line; it loads its code only from its
  // app.asar, whose integrity it checks where Electron supports that (macOS and Windows); cookies
  // are encrypted on disk. file:// pages get no more than any other origin (GrantFileProtocolExtraPrivileges
  // off): the app loads its pages from app://, never from file://.
  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
  },
  // Model files open in the app from the file manager; a running app gets them through its
  // single-instance lock (second-instance) or, on macOS, open-file (see src-main/main.ts).
  // Lessons (*.slm-lesson.json) too: the page restores them.
  fileAssociations: [
    { ext: 'slm.json', name: 'slm studio model', description: 'A model for slm studio', mimeType: 'application/x-slm-studio-model', role: 'Editor' },
    { ext: 'slm-lesson.json', name: 'slm studio lesson', description: 'A lesson for slm studio: a moment of a model, to open and step through', mimeType: 'application/x-slm-studio-lesson', role: 'Viewer' },
  ],
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Education',
    icon: 'resources/icons',
    synopsis: 'Watch a tiny language model think, token by token',
    maintainer: 'slm studio <dev@slm-studio.invalid>',
  },
  mac: { target: 'dmg', category: 'public.app-category.education', icon: 'resources/icons/icon.png' },
  win: { target: 'nsis', icon: 'resources/icons/icon.png' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
};

export default config;
