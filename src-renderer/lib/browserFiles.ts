import type { LessonFile } from '../../src-main/desktop/api.ts';
import type { ModelSource } from '../../src-main/service/protocol.ts';

/**
 * Model and lesson files in a browser, where there are no native dialogs: the browser bridge's side of opening,
 * saving and exporting (bridge.ts). What a file input picked becomes a model source for the service,
 * and what the service exports becomes a download. (Inside Electron the preload's dialogs do both.)
 * The service checks every file; here they are only read and routed.
 */

/**
 * Shows the browser's file picker and gives what was picked (an empty list if it was cancelled).
 * Called from a click (the picker needs one); the input is in the page only while it is open.
 */
function pickFiles(accept: string, multiple: boolean, label: string): Promise<File[]> {
  const input = document.createElement('input');
  input.type = 'file';
  input.multiple = multiple;
  input.accept = accept;
  input.tabIndex = -1;
  input.className = 'visually-hidden';
  input.setAttribute('aria-label', label);
  document.body.append(input);
  return new Promise<File[]>((resolve) => {
    input.addEventListener('cancel', () => resolve([]), { once: true });
    input.addEventListener('change', () => resolve([...(input.files ?? [])]), { once: true });
    input.click();
  }).finally(() => input.remove());
}

/** Shows the browser's file picker for a model and reads what was picked; null if it was cancelled. */
export async function chooseModelInBrowser(): Promise<ModelSource | null> {
  return sourceFromPickedFiles(await pickFiles('.json,.npz,application/json,application/zip', true, 'Model file to open'));
}

/** Shows the browser's file picker for a lesson and reads it; its name and text, or null if it was cancelled. */
export async function chooseLessonInBrowser(): Promise<LessonFile | null> {
  const [file] = await pickFiles('.json,application/json', false, 'Lesson file to open');
  return file ? { name: file.name, text: await file.text() } : null;
}

/**
 * Keeps the page from being left silently (a reload, a closed tab) while `unsaved()` says what would
 * be lost: the page's own beforeunload question.
 */
export function guardLeaving(unsaved: () => string | null): void {
  window.addEventListener('beforeunload', (event: BeforeUnloadEvent) => {
    if (!unsaved()) return;
    event.preventDefault();
    // Older browsers show the dialog only when returnValue is set.
    event.returnValue = '';
  });
}

/** What was picked, as a model source; null when nothing was. */
export async function sourceFromPickedFiles(files: readonly File[]): Promise<ModelSource | null> {
  const weights = files.find((f) => f.name.toLowerCase().endsWith('.npz'));
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (weights) {
    const wordmap = jsons.find((f) => !f.name.toLowerCase().endsWith('.slm.json'));
    if (!wordmap) throw new Error(`${weights.name} needs its wordmap.json: pick both files together`);
    return {
      kind: 'original',
      name: weights.name.replace(/\.npz$/i, '') === 'weights' ? 'Original model' : weights.name.replace(/\.npz$/i, ''),
      weights: new Uint8Array(await weights.arrayBuffer()),
      wordmap: await wordmap.text(),
    };
  }
  if (files.length === 0) return null;
  if (jsons.length === 1) return { kind: 'modelFile', name: jsons[0].name, text: await jsons[0].text() };
  throw new Error('pick one model file (*.slm.json), or the original’s weights.npz together with its wordmap.json');
}

/** Hands the browser a file to save. */
export function download(name: string, data: string | Uint8Array, type: string): void {
  const blob = new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name made from a model's name. */
export function fileNameFor(modelName: string): string {
  return modelName.trim().replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}
