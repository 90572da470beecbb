import type { ModelSource, RequestBody, ServiceEvent } from '../service/protocol.ts';

/** What a request through the bridge gives back: the result, or an error a person can read. */
export type BridgeAnswer = { ok: true; result: unknown } | { ok: false; kind: string; message: string };

/**
 * The one object the preload script gives the renderer (as `window.slm`), and nothing else.
 * Results are validated again on the renderer's side by the protocol's schemas.
 */
export interface SlmDesktopApi {
  request(body: RequestBody): Promise<BridgeAnswer>;
  onEvent(listener: (event: ServiceEvent) => void): () => void;
  /** Shows an open dialog for a model file (*.slm.json) or the original's weights.npz; null if cancelled. */
  chooseModel(): Promise<ModelSource | null>;
  /** Shows a save dialog and writes the model file's text there; the path written, or null. */
  saveModelAs(suggestedName: string, text: string): Promise<string | null>;
  /** Shows a folder dialog and writes weights.npz + wordmap.json there; the folder, or null. */
  exportOriginal(files: { weights: Uint8Array; wordmap: string }): Promise<string | null>;
}

/** Channel names, shared by main and preload. */
export const CHANNELS = {
  request: 'slm:request',
  event: 'slm:event',
  chooseModel: 'slm:choose-model',
  saveModelAs: 'slm:save-model-as',
  exportOriginal: 'slm:export-original',
} as const;
