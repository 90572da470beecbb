/// <reference lib="webworker" />
// The Web Worker that runs the model service when the renderer is in a browser. Boris's model and
// corpus are files the build copies beside the app (?url): the worker reads them from the app's own
// origin the first time it needs them, never from the network, and the app's JavaScript stays small.
import { startWorkerService } from '../../src-main/service/workerEntry.ts';
import modelUrl from '../../resources/models/boris.slm.json?url';
import corpusUrl from '../../resources/corpus/boris.txt?url';

async function readAppFile(url: string, what: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${what} could not be read from the app's files (${response.status} ${response.statusText})`);
  return response.text();
}

let texts: Promise<{ model: string; corpus: string }> | null = null;

startWorkerService(self as unknown as DedicatedWorkerGlobalScope, () => {
  // Read once; a failed read is tried again next time rather than kept.
  texts ??= Promise.all([readAppFile(modelUrl, "Boris's model"), readAppFile(corpusUrl, "Boris's corpus")]).then(
    ([model, corpus]) => ({ model, corpus }),
    (error: unknown) => {
      texts = null;
      throw error;
    },
  );
  return texts;
});
