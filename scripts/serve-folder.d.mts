/** Types for serve-folder.mjs (see there). */
export function serveFolder(folder: string, port?: number): Promise<{ origin: string; close(): Promise<void> }>;
