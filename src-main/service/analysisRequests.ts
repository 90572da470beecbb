/**
 * The service's read-only looks at the open model: word neighbours, sentence distances and where
 * two sentences' contexts part, the PCA plane of the corpus's contexts, the word map, one step's
 * anatomy, and corpora (Boris's, and what training would make of one).
 */
import { stepAnatomy } from '../model/explanations/anatomy.ts';
import { inspectCorpusSteps } from '../model/training/corpusReport.ts';
import { pathDivergence } from '../model/geometry/divergence.ts';
import { embeddingMapSteps } from '../model/geometry/embeddingMap.ts';
import { inputError } from '../model/network/errors.ts';
import { type DistanceScale, type Metric, contextPath, corpusSentences, distance, lineDistanceScaleSteps, nearestWords, percentBelow } from '../model/geometry/geometry.ts';
import { nextContext, tokenEmbedding } from '../model/network/network.ts';
import { fitPca, project } from '../model/geometry/pca.ts';
import { tokenizeBounded, tokenizeCorpusSteps } from '../model/network/tokenizer.ts';
import { BOUNDARY, encode } from '../model/network/vocabulary.ts';
import type { HandlersFor, ServiceParts } from './requestTable.ts';
import type { OpenModelState } from './openModel.ts';
import { numbers } from './wire.ts';

/** At most this many corpus contexts are used to fit the projection. */
const PROJECTION_SAMPLE = 5000;

type AnalysisRequest = 'neighbours' | 'compare' | 'distanceScale' | 'divergence' | 'project' | 'embeddingMap' | 'anatomy' | 'bundledCorpus' | 'inspectCorpus';

export function analysisRequests({ host, models, scheduler }: ServiceParts): HandlersFor<AnalysisRequest> {
  /** Each sentence's context path through the open model; a sentence without words is refused. */
  function contextPaths(sentences: readonly string[]) {
    const { model } = models.current();
    return sentences.map((sentence, i) => {
      if (tokenizeBounded(sentence, `sentence ${i + 1}`).length === 0) throw inputError(`sentence ${i + 1} has no words to compare`);
      return contextPath(model.weights, model.vocabulary, sentence);
    });
  }

  /** The distances between two corpus lines, per metric, measured once for the weights open now. */
  const scales = new Map<Metric, DistanceScale>();
  /** Counts the changes of the open weights, so a scale measured across one (in slices) is not kept. */
  let changes = 0;
  models.onChange(() => {
    scales.clear();
    changes++;
  });
  async function scaleOf(metric: Metric): Promise<DistanceScale> {
    let scale = scales.get(metric);
    if (!scale) {
      const corpus = models.current().corpus ?? (await host.bundled()).corpus;
      // Measured with the model open once the corpus is read (the cache was cleared if it changed meanwhile).
      const { model } = models.current();
      const before = changes;
      scale = await scheduler.inSlices(lineDistanceScaleSteps(model.weights, model.vocabulary, corpusSentences(corpus), metric));
      if (changes === before) scales.set(metric, scale);
    }
    return scale;
  }

  /** Every context (h2) the model passes through on its corpus's lines (Boris's, when unknown). */
  async function corpusContexts(open: OpenModelState): Promise<Float64Array[]> {
    const { model } = open;
    const corpus = open.corpus ?? (await host.bundled()).corpus;
    // In slices, so that other requests go first.
    function* steps() {
      const contexts: Float64Array[] = [];
      const lines = yield* tokenizeCorpusSteps(corpus);
      for (const [i, line] of lines.entries()) {
        // The contexts alone: scoring every next token (V of them) is not needed here.
        let context: Float64Array = new Float64Array(model.weights.embeddingSize);
        for (const row of [BOUNDARY, ...encode(model.vocabulary, line)]) {
          context = nextContext(model.weights, tokenEmbedding(model.weights, row), context);
          contexts.push(context);
        }
        if (contexts.length >= PROJECTION_SAMPLE) break;
        if (i % 64 === 63) yield;
      }
      return contexts;
    }
    return scheduler.inSlices(steps());
  }

  return {
    neighbours: ({ word, k, metric }) => {
      const { model } = models.current();
      return nearestWords(model.weights, model.vocabulary, word, k, metric);
    },
    compare: ({ sentences, metric }) => {
      const paths = contextPaths(sentences).map((path, i) => ({ sentence: sentences[i], tokens: path.tokens, contexts: path.contexts.map(numbers) }));
      const finals = paths.map((p) => p.contexts[p.contexts.length - 1]);
      return { distances: finals.map((a) => finals.map((b) => distance(a, b, metric))), paths };
    },
    async distanceScale({ distances, metric }) {
      const scale = await scaleOf(metric);
      const { sorted } = scale;
      const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      return { metric, percentBelow: distances.map((d) => percentBelow(scale, d)), lines: scale.lines, linesMeasured: scale.linesMeasured, pairs: scale.pairs, allPairs: scale.allPairs, median };
    },
    divergence: ({ sentences, metric }) => {
      const [a, b] = contextPaths(sentences);
      return pathDivergence(a.contexts, b.contexts, metric);
    },
    async project({ vectors }) {
      const E = models.current().model.weights.embeddingSize;
      for (const vector of vectors) {
        if (vector.length !== E) throw inputError(`a vector to project must have ${E} numbers (the model's E), not ${vector.length}`);
      }
      const projection = await models.projection(async (open) => fitPca(await corpusContexts(open), 2));
      return { points: vectors.map((vector) => project(projection, vector) as [number, number]), explainedVariance: projection.explainedVariance };
    },
    embeddingMap: ({ method, seed }) => {
      const { model, ownWeights } = models.current();
      // While an epoch of the history is shown, PCA keeps the plane of the model's own weights, so
      // every epoch is drawn in one plane and the words move as the Epoch slider does.
      return scheduler.inSlices(embeddingMapSteps(model.weights, model.vocabulary, method, seed, ownWeights ?? undefined));
    },
    anatomy: ({ row, context, temperature }) => {
      const { model } = models.current();
      const { embeddingSize: embedding, vocabularySize: vocabulary } = model.weights;
      if (row >= vocabulary) throw inputError(`the model has ${vocabulary} tokens; there is no row ${row}`);
      if (context.length !== embedding) throw inputError(`a context must have ${embedding} numbers (the model's E), not ${context.length}`);
      const a = stepAnatomy(model.weights, row, Float64Array.from(context), temperature);
      return {
        column: numbers(a.column),
        h1: numbers(a.h1),
        input: numbers(a.input),
        preActivation: numbers(a.preActivation),
        h2: numbers(a.h2),
        logits: numbers(a.logits),
        temperature: a.temperature,
        probs: numbers(a.probs),
      };
    },
    bundledCorpus: async () => ({ text: (await host.bundled()).corpus }),
    inspectCorpus: ({ corpus, maxVocabulary }) => scheduler.inSlices(inspectCorpusSteps(corpus, undefined, maxVocabulary)),
  };
}
