/** Where a command writes, so tests can run commands in-process and read what they printed. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  errIsTerminal: boolean;
  /** True when the person types at a terminal (the chat then greets and prompts). */
  inputIsTerminal?: boolean;
  /** Lines typed by the person, for the interactive chat; opened only when a command asks. */
  readLines?: () => AsyncIterable<string>;
}
