// Where the training kernel's arrays live in linear memory (see linePass.ts): the sizes E and V,
// every array's offset, laid out for a model and its longest line, and the corpus after them.
import { reserve } from './kernelMath';

export let E: i32 = 0;
export let V: i32 = 0;
export let capacity: i32 = 0;

export let pTokens: usize = 0;
export let pCorpus: usize = 0;
export let pStarts: usize = 0;
export let pOrder: usize = 0;
export let pCarry: usize = 0;
export let pStepSizes: usize = 0;
export let pLosses: usize = 0;
export let pW0: usize = 0;
export let pW1: usize = 0;
export let pW2: usize = 0;
export let pG0: usize = 0;
export let pG1: usize = 0;
export let pG2: usize = 0;
export let pM0: usize = 0;
export let pM1: usize = 0;
export let pM2: usize = 0;
export let pV0: usize = 0;
export let pV1: usize = 0;
export let pV2: usize = 0;
export let pJoint: usize = 0;
export let pContexts: usize = 0;
export let pProbs: usize = 0;
export let pDContext: usize = 0;
export let pDJoint: usize = 0;
export let pTargetProbs: usize = 0;
export let pCarried: usize = 0;
export let pDZs: usize = 0;
export let pTouched: usize = 0;
export let pMarks: usize = 0;
export let pEnd: usize = 0;


/** Lays the arrays out for sizes E, V and lines of up to `maxSteps` steps; returns the bytes used. */
export function arrange(embedding: i32, vocabulary: i32, maxSteps: i32): usize {
  E = embedding;
  V = vocabulary;
  capacity = maxSteps;
  const width = 2 * E;
  pTokens = (__heap_base + 15) & ~(<usize>15);
  let at = (pTokens + (<usize>maxSteps << 2) + 15) & ~(<usize>15);
  pW0 = at; at = reserve(at, E * V);
  pW1 = at; at = reserve(at, E * width);
  pW2 = at; at = reserve(at, V * E);
  pG0 = at; at = reserve(at, E * V);
  pG1 = at; at = reserve(at, E * width);
  pG2 = at; at = reserve(at, V * E);
  pM0 = at; at = reserve(at, E * V);
  pM1 = at; at = reserve(at, E * width);
  pM2 = at; at = reserve(at, V * E);
  pV0 = at; at = reserve(at, E * V);
  pV1 = at; at = reserve(at, E * width);
  pV2 = at; at = reserve(at, V * E);
  pJoint = at; at = reserve(at, maxSteps * width);
  pContexts = at; at = reserve(at, maxSteps * E);
  pProbs = at; at = reserve(at, maxSteps * V);
  pDContext = at; at = reserve(at, E);
  pDJoint = at; at = reserve(at, width);
  pTargetProbs = at; at = reserve(at, maxSteps);
  pCarried = at; at = reserve(at, E);
  pDZs = at; at = reserve(at, maxSteps * E);
  pTouched = at; at = (at + (<usize>maxSteps << 2) + 15) & ~(<usize>15);
  pMarks = at; at = (at + <usize>V + 15) & ~(<usize>15);
  pEnd = at;
  return pEnd;
}

/**
 * After `layout`: room for a corpus of `lines` lines and `tokens` tokens in all, for `trainLines`: the
 * tokens one line after another, where each line starts (lines + 1 entries), and per line of an
 * epoch's slice the line's number, whether it carries its context, its Adam step size and its loss.
 * Returns the bytes used.
 */
export function layoutCorpus(tokens: i32, lines: i32): usize {
  let at = pEnd;
  pCorpus = at; at = (at + (<usize>tokens << 2) + 15) & ~(<usize>15);
  pStarts = at; at = (at + (<usize>(lines + 1) << 2) + 15) & ~(<usize>15);
  pOrder = at; at = (at + (<usize>lines << 2) + 15) & ~(<usize>15);
  pCarry = at; at = (at + (<usize>lines << 2) + 15) & ~(<usize>15);
  pStepSizes = at; at = reserve(at, lines);
  pLosses = at; at = reserve(at, lines);
  pEnd = at;
  return pEnd;
}

/** Byte offsets of the arrays the host reads or writes: 0 tokens, 1-3 W0..W2, 4-6 gradients, 7 probs. */
export function offset(which: i32): usize {
  switch (which) {
    case 0: return pTokens;
    case 1: return pW0;
    case 2: return pW1;
    case 3: return pW2;
    case 4: return pG0;
    case 5: return pG1;
    case 6: return pG2;
    case 7: return pProbs;
    case 8: return pM0;
    case 9: return pV0;
    case 10: return pCorpus;
    case 11: return pStarts;
    case 12: return pOrder;
    case 13: return pCarry;
    case 14: return pStepSizes;
    case 15: return pLosses;
    default: return pEnd;
  }
}
