/**
 * The `slm` command: everything the original project's scripts did, on the app's own engine.
 * The work is in ./cli/; this entry only connects it to the process.
 */
import { createInterface } from 'node:readline';
import { runCli } from './cli/run.ts';

// A reader that stops early (`slm history | head`) closes the pipe: the command has nothing more to
// say, so it ends quietly, as Unix tools do, instead of dying on the EPIPE with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTerminal: Boolean(process.stderr.isTTY),
  inputIsTerminal: Boolean(process.stdin.isTTY),
  readLines: () => createInterface({ input: process.stdin, terminal: false }),
});
