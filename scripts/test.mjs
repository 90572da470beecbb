// `npm test`: every check. The independent ones (type checks, kernel check, security scan, build) run
// side by side so that both cores are busy; then vitest, then the browser tests, one after the other,
// because the unit tests measure how fast the service answers while it works, and a browser beside
// them on two cores would measure the machine instead. SLM_TEST_ONE_AT_A_TIME=1 runs every step one
// after another (and vitest one file at a time: vitest.config.ts reads it too). A step's output is
// printed whole when it ends (the browser tests' as it comes); the first failure stops the rest and
// sets the exit code.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npmRun = (script) => ['npm', 'run', '--silent', script];

/** Each step: its package.json scripts (run one after another) and the steps it waits for. */
const STEPS = {
  typecheck: { run: [npmRun('typecheck')], after: [] },
  kernel: { run: [['node', 'scripts/build-kernel.mjs', '--check']], after: [] },
  build: { run: [npmRun('build')], after: [] },
  security: { run: [npmRun('security')], after: [] },
  unit: { run: [npmRun('test:unit')], after: ['typecheck', 'kernel', 'build', 'security'] },
  e2e: { run: [npmRun('test:e2e')], after: ['unit'], live: true },
};

// One after another: each step waits for the one before it, in the order above.
if (process.env.SLM_TEST_ONE_AT_A_TIME) Object.keys(STEPS).forEach((name, i, names) => (STEPS[name].after = i === 0 ? [] : [names[i - 1]]));

const started = performance.now();
const seconds = (from) => `${((performance.now() - from) / 1000).toFixed(1)} s`;
const children = new Set();
const done = new Map();
let stopping = false;

function runCommands(name, step) {
  return new Promise((resolve) => {
    const from = performance.now();
    const output = [];
    const next = (i) => {
      if (i === step.run.length) return resolve({ ok: true, output, time: seconds(from) });
      const [command, ...args] = step.run[i];
      if (step.live) process.stdout.write(`\n> ${name}: ${[command, ...args].join(' ')}\n`);
      else output.push(`> ${[command, ...args].join(' ')}\n`);
      // Each step in its own process group, so that stopping it stops what it started (browsers, servers).
      const child = spawn(command, args, {
        cwd: root,
        detached: true,
        stdio: ['ignore', step.live ? 'inherit' : 'pipe', step.live ? 'inherit' : 'pipe'],
        env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') },
      });
      children.add(child);
      child.stdout?.on('data', (chunk) => output.push(chunk));
      child.stderr?.on('data', (chunk) => output.push(chunk));
      child.on('close', (code, signal) => {
        children.delete(child);
        if (code === 0) next(i + 1);
        else resolve({ ok: false, output, time: seconds(from), why: signal ? `killed by ${signal}` : `exit code ${code}` });
      });
    };
    next(0);
  });
}

function stopAll() {
  for (const child of children) {
    try {
      // SIGINT, as Ctrl-C: Playwright then also stops the web server it started, in its own group.
      process.kill(-child.pid, 'SIGINT');
    } catch {
      // Already gone.
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    stopAll();
    process.exit(130);
  });
}

function start(name) {
  if (!done.has(name)) {
    const step = STEPS[name];
    done.set(
      name,
      Promise.all(step.after.map(start)).then(async (before) => {
        if (stopping || before.some((ok) => !ok)) return false;
        const result = await runCommands(name, step);
        if (!result.ok && stopping) return false;
        process.stdout.write(`\n=== ${name}: ${result.ok ? 'passed' : `FAILED (${result.why})`} in ${result.time} ===\n`);
        if (!step.live) process.stdout.write(Buffer.concat(result.output.map((part) => Buffer.from(part))));
        if (!result.ok) {
          process.exitCode = 1;
          stopping = true;
          stopAll();
        }
        return result.ok;
      }),
    );
  }
  return done.get(name);
}

await Promise.all(Object.keys(STEPS).map(start));
process.stdout.write(`\nnpm test: ${process.exitCode ? 'FAILED' : 'every step passed'} in ${seconds(started)}\n`);
