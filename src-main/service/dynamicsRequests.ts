/**
 * The service's dynamics requests: the Jacobian's spectrum at the conversation's steps, a word's fixed
 * point, the memory figures over a training run's checkpoints, the same last turn after two histories
 * and which units carry that memory (model/dynamics/dynamics.ts, memory.ts, patching.ts). Read-only
 * looks at the open model.
 */
import { assertAnalysable, assertNoNaN } from '../model/network/analysable.ts';
import { fixedPoint, stepSpectraSteps, trainingDynamicsSteps } from '../model/dynamics/dynamics.ts';
import { inputError } from '../model/network/errors.ts';
import { compareMemorySteps } from '../model/dynamics/memory.ts';
import { patchMemorySteps } from '../model/dynamics/patching.ts';
import { tokenizeBounded } from '../model/network/tokenizer.ts';
import type { HandlersFor, ServiceParts } from './requestTable.ts';
import type { CheckpointDynamicsResult } from './dynamicsProtocol.ts';
import { numbers } from './wire.ts';

type DynamicsRequest = 'stepDynamics' | 'fixedPoint' | 'trainingDynamics' | 'memory' | 'patch';

export function dynamicsRequests({ models, scheduler }: ServiceParts): HandlersFor<DynamicsRequest> {
  /** The curves over training, kept for the weights they were measured on (checkpoints never change in place). */
  let curves: { checkpoints: unknown; result: CheckpointDynamicsResult[] } | null = null;

  return {
    stepDynamics: async ({ contexts }) => {
      const { weights } = models.current().model;
      assertAnalysable(weights);
      for (const context of contexts) {
        if (context.length !== weights.embeddingSize) throw inputError(`a context must have ${weights.embeddingSize} numbers (the model's E), not ${context.length}`);
        if (!context.every((value) => value >= -1 && value <= 1)) throw inputError('a context is an output of tanh: every number lies from -1 to 1');
      }
      const spectra = await scheduler.inSlices(stepSpectraSteps(weights, contexts));
      assertNoNaN(spectra);
      return spectra;
    },
    fixedPoint: ({ word }) => {
      const { model } = models.current();
      assertAnalysable(model.weights);
      const token = word === '' ? '' : tokenizeBounded(word, 'the word').join(' ');
      const row = model.vocabulary.rows.get(token);
      if (row === undefined) throw inputError(`"${token || word}" is not one word ${model.name} knows; pick a word from the vocabulary`);
      const found = fixedPoint(model.weights, row);
      return { ...found, word: token, point: numbers(found.point), trajectory: found.trajectory.map(numbers) };
    },
    trainingDynamics: async () => {
      const checkpoints = models.current().model.training?.checkpoints ?? [];
      if (curves?.checkpoints !== checkpoints) {
        const result = await scheduler.inSlices(trainingDynamicsSteps(checkpoints));
        assertNoNaN(result);
        curves = { checkpoints, result };
      }
      return curves.result;
    },
    memory: async ({ histories, lastTurn, sampling }) => {
      const { model } = models.current();
      assertAnalysable(model.weights);
      const found = await scheduler.inSlices(compareMemorySteps(model, histories, lastTurn, sampling));
      assertNoNaN(found);
      return { ...found, paths: [found.paths[0].map(numbers), found.paths[1].map(numbers)] };
    },
    patch: async ({ histories, lastTurn, sampling, patch }) => {
      const { model } = models.current();
      assertAnalysable(model.weights);
      const found = await scheduler.inSlices(patchMemorySteps(model, histories, lastTurn, sampling, patch));
      assertNoNaN(found);
      return found;
    },
  };
}
