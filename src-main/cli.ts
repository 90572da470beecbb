/**
 * The `slm` command: everything the original project's scripts did, on the app's own engine.
 * The work is in ./cli/; this entry only connects it to the process.
 */
import { createInterface } from 'node:readline';
import { runCli } from './cli/run.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTerminal: Boolean(process.stderr.isTTY),
  inputIsTerminal: Boolean(process.stdin.isTTY),
  readLines: () => createInterface({ input: process.stdin, terminal: false }),
});
