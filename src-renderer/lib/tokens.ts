/**
 * How the app shows a token: the one place that spells the line boundary. The boundary is "" in the
 * vocabulary (row 0); it opens every line, where the model reads it as the line start, and ends every
 * line, where the model writes it as the end of line. ¶ marks it wherever it is shown.
 */

/** The line boundary as the vocabulary holds it. */
export const LINE_BOUNDARY = '';
/** The mark the line boundary is shown with. */
export const LINE_MARK = '¶';

export function isLineBoundary(token: string): boolean {
  return token === LINE_BOUNDARY;
}

/** A token in short: the line boundary as ¶, every other as itself (chips, axis labels, paths). */
export function tokenMark(token: string): string {
  return isLineBoundary(token) ? LINE_MARK : token;
}

/** A token fed to the model, named: the boundary that opens every line is the line start. */
export function inputName(token: string): string {
  return isLineBoundary(token) ? `${LINE_MARK} line start` : token;
}

/** A token the model scores or writes, named: the boundary it writes is the end of the line. */
export function outputName(token: string): string {
  return isLineBoundary(token) ? `${LINE_MARK} end of line` : token;
}

/** A token fed to the model, in a sentence: “who”, “¶ line start”. */
export function quotedInput(token: string): string {
  return `“${inputName(token)}”`;
}

/** A token the model scores or writes, in a sentence: “frogs”, “¶ end of line”. */
export function quotedOutput(token: string): string {
  return `“${outputName(token)}”`;
}
