import { BOUNDARY } from '../network/vocabulary.ts';

/**
 * What a held-out set is made of, in words a learner can check against the corpus. Training splits a
 * corpus into texts: a text is one line, or a dialogue (a line and the `+` lines that continue it),
 * read as one sequence. The last tenth of the texts is held out, so in a corpus with dialogues the
 * count is of texts, not of lines.
 */
export interface HeldOutWords {
  /** "40 lines", "12 dialogues" or "461 texts": the count, named by what every text is. */
  count: string;
  /** For a mix, what the texts are: "301 dialogues and 160 single lines"; otherwise null. */
  parts: string | null;
}

/** How many of the texts (token rows, a dialogue's lines joined by the boundary) are dialogues of several lines. */
export function countDialogues(texts: readonly (readonly number[])[]): number {
  return texts.filter((rows) => rows.includes(BOUNDARY)).length;
}

const counted = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** What every held-out text is: a line, a dialogue, or (for a mix) a text. */
function noun(texts: number, dialogues: number): [one: string, many: string] {
  if (dialogues === 0) return ['line', 'lines'];
  return dialogues === texts ? ['dialogue', 'dialogues'] : ['text', 'texts'];
}

function parts(texts: number, dialogues: number): string | null {
  if (dialogues === 0 || dialogues === texts) return null;
  return `${counted(dialogues, 'dialogue', 'dialogues')} and ${counted(texts - dialogues, 'single line', 'single lines')}`;
}

export function heldOutWords(texts: number, dialogues: number): HeldOutWords {
  return { count: counted(texts, ...noun(texts, dialogues)), parts: parts(texts, dialogues) };
}

/** "461 held-out texts (301 dialogues and 160 single lines)", "40 held-out lines", "12 held-out dialogues". */
export function describeHeldOut(texts: number, dialogues: number): string {
  const [one, many] = noun(texts, dialogues);
  const detail = parts(texts, dialogues);
  return `${counted(texts, `held-out ${one}`, `held-out ${many}`)}${detail ? ` (${detail})` : ''}`;
}
