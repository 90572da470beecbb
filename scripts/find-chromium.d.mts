/** Types for find-chromium.mjs (see there). */
export function findChromium(): Promise<{ path: string; source: string; env: Record<string, string> }>;
export const CHROMIUM_ARGS: string[];
