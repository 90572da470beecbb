/**
 * The order vitest starts test files in: the files that take longest (measured on the 2-core machine)
 * first, then vitest's own order. vitest sorts by the durations it cached in an earlier run, but a clean
 * clone has no cache, and then it starts the largest files first, which are not the slowest.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The slowest files, slowest first (each over about 5 s alone; the timed files run apart, vitest.config.ts). */
const HEAVIEST = [
  'tests/quality.test.ts',
  'tests/safety-service.test.ts',
  'tests/packaging.test.ts',
  'tests/fuzz.test.ts',
  'tests/service-explain.test.ts',
  'tests/service.test.ts',
  'tests/explain.test.ts',
  'tests/training-studio.test.ts',
  'tests/preset-lessons.test.ts',
  'tests/cli-explain.test.ts',
];

const rank = (spec: TestSpecification) => {
  const index = HEAVIEST.findIndex((file) => spec.moduleId.replace(/\\/g, '/').endsWith(file));
  return index < 0 ? HEAVIEST.length : index;
};

export class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
