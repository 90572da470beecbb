import { SlmError } from '../model/errors.ts';
import { COMMANDS, CommandFailed, USAGE } from './commands.ts';
import { UsageError } from './args.ts';
import type { CliIo } from './io.ts';

/** Runs one `slm` command line; returns the exit code (0 success, 2 usage error, 1 any other error). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out)(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`slm: unknown command "${name}"; run \`slm help\` for the list\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE + '\n');
    return 0;
  }
  try {
    await command(args, io);
    return 0;
  } catch (error) {
    if (error instanceof CommandFailed) return 1;
    if (error instanceof UsageError) {
      io.err(`slm ${name}: ${error.message} (see \`slm help\`)\n`);
      return 2;
    }
    if (error instanceof SlmError) {
      io.err(`slm: ${error.message}\n`);
      return 1;
    }
    const detail = process.env.SLM_DEBUG ? `\n${(error as Error).stack}` : '';
    io.err(`slm: unexpected error: ${(error as Error).message ?? String(error)}${detail}\n`);
    return 1;
  }
}
