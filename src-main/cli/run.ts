import { SlmError } from '../model/network/errors.ts';
import { CommandFailed, USAGE, commandNamed } from './commands.ts';
import { UsageError, printable } from './args.ts';
import type { CliIo } from './io.ts';
import { errnoWords } from '../files/atomicWrite.ts';

/** Runs one `slm` command line; returns the exit code (0 success, 2 usage error, 1 any other error). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out)(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commandNamed(name);
  if (!command) {
    io.err(`slm: unknown command "${printable(name)}"; run \`slm help\` for the list\n`);
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
    const errno = error as NodeJS.ErrnoException;
    if (typeof errno?.code === 'string' && /^E[A-Z]+$/.test(errno.code)) {
      // A file-system failure nothing above caught: still one plain sentence, never a raw errno.
      const where = errno.path ? ` ${printable(errno.path)}` : '';
      io.err(`slm: cannot ${errno.syscall === 'open' || errno.syscall === 'read' || errno.syscall === 'stat' ? 'read' : 'write'}${where}: ${errnoWords(error)}\n`);
      return 1;
    }
    const detail = process.env.SLM_DEBUG ? `\n${(error as Error).stack}` : '';
    io.err(`slm: unexpected error: ${(error as Error).message ?? String(error)}${detail}\n`);
    return 1;
  }
}
