import type { ModelSource } from '../../src-main/service/protocol.ts';

/**
 * Model files in a browser, where there are no native dialogs: what a file input picked becomes a
 * model source for the service, and what the service exports becomes a download. (Inside Electron the
 * preload's dialogs do both.) The service checks every file; here they are only read and routed.
 */
export async function sourceFromPickedFiles(files: readonly File[]): Promise<ModelSource> {
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
