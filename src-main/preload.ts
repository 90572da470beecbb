/**
 * The preload script: exposes one small typed API object to the renderer as `window.slm`.
 * It runs sandboxed, so it only forwards messages; every check happens in the main process.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, type SlmDesktopApi } from './desktop/api.ts';
import type { ServiceEvent } from './service/protocol.ts';

const api: SlmDesktopApi = {
  request: (body) => ipcRenderer.invoke(CHANNELS.request, body),
  onEvent(listener) {
    const handler = (_event: unknown, payload: ServiceEvent) => listener(payload);
    ipcRenderer.on(CHANNELS.event, handler);
    return () => ipcRenderer.removeListener(CHANNELS.event, handler);
  },
  chooseModel: () => ipcRenderer.invoke(CHANNELS.chooseModel),
  saveModelAs: (suggestedName, text) => ipcRenderer.invoke(CHANNELS.saveModelAs, suggestedName, text),
  exportOriginal: (files) => ipcRenderer.invoke(CHANNELS.exportOriginal, files),
};

contextBridge.exposeInMainWorld('slm', api);
