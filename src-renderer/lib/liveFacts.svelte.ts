import type { ModelInfo, StepRecord } from '../../src-main/service/protocol.ts';
import type { LiveFacts } from './helpTexts.ts';
import type { Studio } from './studioParts.svelte.ts';

/**
 * The live figures that the Glossary, the tours and the "?" marks quote but that the service has to
 * compute: J's spectrum at the step under the clock, the line boundary's fixed point, the largest
 * singular value of W1's context half, the context plane's shares of variance, and a word's nearest
 * words by each distance. Asked for once per open model (the spectrum once per step), and only when
 * something that quotes them is open. Every number here is one the service sent.
 */
export class LiveFactsLoader {
  facts = $state.raw<LiveFacts>({});
  private model: ModelInfo | null = null;
  private modelAsked: Promise<void> | null = null;
  private spectra = new WeakMap<StepRecord, { spectralRadius: number; eigenvalues: [number, number][] }>();
  private asking = new WeakSet<StepRecord>();
  /** Bumped when a spectrum arrives, so that `current` is read again. */
  private version = $state(0);

  constructor(private readonly studio: Studio) {}

  /** The facts with the spectrum of the step under the clock. */
  get current(): LiveFacts {
    void this.version;
    const step = this.studio.current;
    const spectrum = step ? this.spectra.get(step.record) : undefined;
    return { ...this.facts, spectrum: step && spectrum ? { step: step.index, token: step.record.token, ...spectrum } : null };
  }

  /**
   * While `shown()` says so, keeps the step anatomy and these facts loaded for the step under the clock
   * and the open model, as they change. Called while a component is set up (it makes an $effect).
   */
  follow(shown: () => boolean): void {
    $effect(() => {
      void this.studio.clock;
      void this.studio.model;
      if (!shown()) return;
      void this.studio.anatomy.load();
      void this.load();
    });
  }

  /** Asks for whatever is not known yet for the open model and the step under the clock. */
  async load(): Promise<void> {
    const model = this.studio.model;
    if (!model) return;
    if (model !== this.model) {
      this.model = model;
      this.facts = {};
      this.modelAsked = this.askModel(model);
    }
    await Promise.all([this.modelAsked, this.askSpectrum(this.studio.current?.record)]);
  }

  private async askSpectrum(record: StepRecord | undefined): Promise<void> {
    if (!record || this.spectra.has(record) || this.asking.has(record)) return;
    this.asking.add(record);
    try {
      const [spectrum] = await this.studio.bridge.request({ type: 'stepDynamics', contexts: [record.h2] });
      this.spectra.set(record, { spectralRadius: spectrum.spectralRadius, eigenvalues: spectrum.eigenvalues });
      this.version++;
    } catch {
      // a step said with other weights, or a service restarting: the explanation goes without it
    } finally {
      this.asking.delete(record);
    }
  }

  private async askModel(model: ModelInfo): Promise<void> {
    const { bridge } = this.studio;
    const word = model.tokens.includes('frogs') ? 'frogs' : (model.tokens.find((w, row) => row > 1 && /^[a-z]/.test(w)) ?? '');
    const settle = async <T>(work: Promise<T>): Promise<T | null> => {
      try {
        return await work;
      } catch {
        return null;
      }
    };
    /** Each figure is quoted as soon as it arrives (the curves over a long history take longest). */
    const put = (part: LiveFacts) => {
      if (model === this.model) this.facts = { ...this.facts, ...part };
    };
    await Promise.all([
      settle(bridge.request({ type: 'fixedPoint', word: '' })).then((fixed) =>
        put({
          fixedPoint: fixed
            ? {
                iterations: fixed.iterations,
                method: fixed.method,
                converged: fixed.converged,
                residual: fixed.residual,
                spectralRadius: fixed.spectralRadius,
                stable: fixed.stable,
                eigenvalues: fixed.eigenvalues.length,
              }
            : null,
        }),
      ),
      settle(bridge.request({ type: 'project', vectors: [] })).then((plane) => put({ contextVariance: plane?.explainedVariance ?? null })),
      (async () => {
        if (!word) return put({ neighbours: null });
        const [euclidean, cosine] = await Promise.all([
          settle(bridge.request({ type: 'neighbours', word, k: 1, metric: 'euclidean' })),
          settle(bridge.request({ type: 'neighbours', word, k: 1, metric: 'cosine' })),
        ]);
        put({ neighbours: { word, euclidean: euclidean?.[0] ?? null, cosine: cosine?.[0] ?? null } });
      })(),
      settle(bridge.request({ type: 'trainingDynamics' })).then((curves) => {
        const ownEpoch = model.history?.modelEpoch ?? null;
        const own = curves?.find((c) => c.epoch === ownEpoch);
        const singular = own ?? curves?.at(-1);
        put({ singular: singular ? { epoch: singular.epoch, value: singular.largestSingularValue, own: singular === own } : null });
      }),
    ]);
  }
}

const loaders = new WeakMap<Studio, LiveFactsLoader>();

/** The one loader of a studio, shared by the Glossary, the tour and every "?". */
export function liveFactsOf(studio: Studio): LiveFactsLoader {
  let loader = loaders.get(studio);
  if (!loader) loaders.set(studio, (loader = new LiveFactsLoader(studio)));
  return loader;
}
