/**
 * The preload script: exposes one small typed API object to the renderer as `window.slm`.
 * It runs as a SANDBOXED preload (scripts/build-node.mjs builds it on its own for that), so it may
 * require only electron's renderer modules, `events`, `timers` and `url`; it only forwards messages,
 * and every check happens in the main process. Listeners get the message, never Electron's event.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, type SlmDesktopApi } from './desktop/api.ts';

function listen<T>(channel: string, listener: (payload: T) => void): () => void {
  const handler = (_event: unknown, payload: T) => listener(payload);
  ipcRenderer.on(channel, handler);
  return () => void ipcRenderer.removeListener(channel, handler);
}

const api: SlmDesktopApi = {
  request: (body) => ipcRenderer.invoke(CHANNELS.request, body),
  onEvent: (listener) => listen(CHANNELS.event, listener),
  chooseModel: () => ipcRenderer.invoke(CHANNELS.chooseModel),
  saveModelAs: (suggestedName, text) => ipcRenderer.invoke(CHANNELS.saveModelAs, suggestedName, text),
  exportOriginal: (files) => ipcRenderer.invoke(CHANNELS.exportOriginal, files),
  chooseLesson: () => ipcRenderer.invoke(CHANNELS.chooseLesson),
  saveLessonAs: (suggestedName, text) => ipcRenderer.invoke(CHANNELS.saveLessonAs, suggestedName, text),
  about: () => ipcRenderer.invoke(CHANNELS.about),
  onCommand: (listener) => listen(CHANNELS.command, listener),
  reportUnsavedWork: (words) => ipcRenderer.invoke(CHANNELS.unsavedWork, words),
  workSaved: (request, saved) => ipcRenderer.invoke(CHANNELS.workSaved, request, saved),
};

contextBridge.exposeInMainWorld('slm', api);
