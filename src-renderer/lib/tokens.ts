/** How the app writes a token: the line boundary ("" in the vocabulary) as ¶, every other as itself. */
export function tokenMark(token: string): string {
  return token === '' ? '¶' : token;
}

/** A token fed to the model, named: the boundary that opens every line is the line start. */
export function inputName(token: string): string {
  return token === '' ? '¶ line start' : token;
}
