/**
 * Numbers for people: four significant figures at most, the way a person reads them, with the exact
 * value kept for a hover title and for copying. The formatting is the engine's own (the command line
 * prints numbers the same way), shared through the protocol.
 */
export { formatNumber } from '../../src-main/service/protocol.ts';

/** The exact value, as the engine has it (every digit), for a title or the clipboard. */
export function exactNumber(value: number): string {
  return String(value);
}
