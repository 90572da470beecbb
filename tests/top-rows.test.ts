/** topRows picks the same rows, in the same order, as sorting every row would (ties: earlier row first). */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { topRows } from '../src-main/model/network/sampling.ts';

const bySort = (values: number[], k: number) =>
  values
    .map((_, i) => i)
    .sort((a, b) => values[b] - values[a] || a - b)
    .slice(0, Math.max(0, Math.min(k, values.length)));

it('topRows ranks like a full sort, ties by row, for any k', () => {
  // Few distinct values, so that ties are common.
  const values = fc.array(fc.integer({ min: 0, max: 6 }).map((v) => v / 6), { maxLength: 80 });
  fc.assert(fc.property(values, fc.integer({ min: -1, max: 90 }), (list, k) => {
    expect(topRows(list, k)).toEqual(bySort(list, k));
  }));
});
