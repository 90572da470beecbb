/** Runs the `slm` command line in this process, as tests call it. */
import { runCli } from '../../src-main/cli/run.ts';

type Ran = { code: number; out: string; err: string };

/**
 * Runs `slm ARGV…` and gives its exit code and what it printed; `lines`, when given, are what a person
 * types at the command's prompt (`slm chat` without a prompt).
 */
export async function slmTyping(argv: readonly string[], lines?: readonly string[]): Promise<Ran> {
  let out = '';
  let err = '';
  const readLines = lines
    ? async function* () {
        yield* lines;
      }
    : undefined;
  const code = await runCli([...argv], { out: (t) => (out += t), err: (t) => (err += t), errIsTerminal: false, readLines });
  return { code, out, err };
}

/** Runs `slm ARGV…` with nothing typed. */
export function slm(...argv: string[]): Promise<Ran> {
  return slmTyping(argv);
}
