/** What the tooltip shows: a heading and lines of detail, near the pointer (lib/hover.svelte.ts). */
export interface Tip {
  title: string;
  lines: string[];
}
