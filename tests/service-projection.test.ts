/**
 * The PCA plane of the corpus's contexts is fitted once per model, even when several views ask for
 * it at once: on a large model each fit takes a second of slices, and a fit per request kept the
 * service busy long after a send.
 */
import { expect, it, vi } from 'vitest';

const fits = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src-main/model/geometry/pca.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src-main/model/geometry/pca.ts')>();
  return {
    ...real,
    fitPca: (...args: Parameters<typeof real.fitPca>) => {
      fits.count++;
      return real.fitPca(...args);
    },
  };
});

import { inProcessService } from './helpers/inProcessService.ts';

it('project requests that arrive while the plane is being fitted share one fit', async () => {
  // Yields to the event loop between slices, as the hosts do, so the requests overlap.
  const svc = inProcessService({ yieldToMessages: () => new Promise((resolve) => setImmediate(resolve)) });
  const model = await svc.ask({ type: 'open', source: { kind: 'bundled' } });
  const vectors = [Array.from({ length: model.embeddingSize }, (_, i) => Math.sin(i) / 2)];
  fits.count = 0;
  const ids = Array.from({ length: 6 }, () => svc.nextId());
  await Promise.all(ids.map((id) => svc.service.handle({ type: 'project', vectors, id })));
  const answers = ids.map((id) => svc.replies.get(id));
  expect(answers.every((a) => a?.type === 'reply')).toBe(true);
  expect(fits.count).toBe(1);
  // Every request got the same plane.
  const points = answers.map((a) => JSON.stringify(a?.type === 'reply' ? a.result : null));
  expect(new Set(points).size).toBe(1);
});
