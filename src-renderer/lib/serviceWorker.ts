/// <reference lib="webworker" />
// The Web Worker that runs the model service when the renderer is in a browser. Boris's model and
// corpus are inlined by the build (?raw), so nothing is fetched at run time.
import { startWorkerService } from '../../src-main/service/workerEntry.ts';
import model from '../../resources/models/boris.slm.json?raw';
import corpus from '../../resources/corpus/boris.txt?raw';

startWorkerService(self as unknown as DedicatedWorkerGlobalScope, { model, corpus });
