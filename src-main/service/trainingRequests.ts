/**
 * The service's training requests: a run (in a TrainingSession's slices, so other requests are
 * answered while it trains), pause, resume and stop, and the pace for watching one. A finished run
 * opens its model; a diverged one leaves the open model as it was.
 */
import { inputError } from '../model/network/errors.ts';
import { ORIGINAL_TEMPERATURE } from '../model/network/model.ts';
import { cloneWeights } from '../model/network/network.ts';
import { tokenizeCorpus } from '../model/network/tokenizer.ts';
import { Trainer, trainingRecord } from '../model/training/training.ts';
import { buildCappedVocabulary, encode } from '../model/network/vocabulary.ts';
import type { HandlersFor, ServiceParts } from './requestTable.ts';
import type { ModelInfo } from './protocol.ts';
import { TrainingSession, toMetrics } from './trainingSession.ts';
import { checkpointAt } from '../model/training/checkpoints.ts';
import { weightsOnWire } from './wire.ts';

/** How a model trained in the app's studio names its corpus in its training record. */
const STUDIO_CORPUS = 'corpus from the training studio';

export function trainingRequests({ host, models, emit }: ServiceParts): HandlersFor<'train' | 'trainControl' | 'trainPace' | 'runCheckpoint'> {
  let session: TrainingSession | null = null;
  /** Epochs a second for watching a run, or null for as fast as it can. */
  let pace: number | null = null;
  const running = () => (session && !session.trainer.done ? session : null);

  return {
    train({ settings }) {
      if (running()) throw inputError('a training run is already going; stop it before starting another');
      const lines = tokenizeCorpus(settings.corpus);
      if (lines.length < 2) throw inputError('the corpus needs at least 2 lines with words in them');
      const capped = buildCappedVocabulary(lines, settings.maxVocabulary);
      const vocabulary = capped.vocabulary;
      const options = {
        embedding: settings.embedding,
        epochs: settings.epochs,
        learningRate: settings.learningRate,
        seed: settings.seed,
        carryContext: settings.carryContext,
      };
      // Epoch 0 is measured in the session's slices too, so a large corpus never holds up other requests.
      const trainer = new Trainer(
        lines.map((line) => encode(vocabulary, line)),
        vocabulary,
        { ...options, deferStart: true },
      );
      session = new TrainingSession(trainer, { emit, yieldToMessages: () => host.yieldToMessages(), now: () => host.now() }, pace);
      void session.finished.then(() => {
        const best = trainer.history[trainer.bestEpoch];
        let info: ModelInfo | null = null;
        // A diverged run leaves the open model and its conversation alone: the person's model is not
        // swapped for weights that blew up. Its last good weights reach the app in the final progress event.
        if (trainer.history.length > 1 && trainer.status !== 'diverged') {
          info = models.use(
            {
              name: 'Trained model',
              vocabulary,
              weights: cloneWeights(settings.keep === 'final' ? trainer.weights : trainer.best),
              defaultTemperature: ORIGINAL_TEMPERATURE,
              // The corpus goes with the model, so that saved and opened again it still speaks of it.
              training: { ...trainingRecord(trainer, options, STUDIO_CORPUS, capped), corpusText: settings.corpus },
            },
            null,
            settings.corpus,
          );
        }
        emit({
          event: 'trainDone',
          status: trainer.status === 'running' ? 'stopped' : trainer.status,
          message: trainer.error?.message ?? null,
          bestEpoch: trainer.bestEpoch,
          bestAccuracy: best?.testAccuracy ?? null,
          history: trainer.history.map(toMetrics),
          model: info,
        });
      });
      return null;
    },
    trainControl({ action }) {
      const run = running();
      if (!run) throw inputError('no training run is going');
      if (action === 'pause') run.pause();
      else if (action === 'resume') run.resume();
      else run.stop();
      return null;
    },
    runCheckpoint({ epoch }) {
      if (!session) throw inputError('no training run has started yet');
      const checkpoint = checkpointAt(session.trainer.checkpoints, epoch);
      if (!checkpoint) throw inputError('the run has not measured its starting weights yet');
      return { epoch: checkpoint.epoch, weights: weightsOnWire(checkpoint.weights) };
    },
    trainPace({ epochsPerSecond }) {
      pace = epochsPerSecond;
      running()?.setPace(pace);
      return null;
    },
  };
}
