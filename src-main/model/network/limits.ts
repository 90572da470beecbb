/**
 * Every size, count and length slm studio accepts, defined once. The command line, the service's
 * protocol, the file readers and the renderer all check against these, so a value one of them takes
 * is never refused (or crashes) in another. Each limit is far above what the app's tiny models need,
 * and low enough that the largest request allowed is still answered quickly and in little memory.
 *
 * Pure constants: no Node, DOM or Electron, so the model, the service and the renderer can share it.
 */

/** A whole-number setting's allowed range, both ends included. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

// ---------------------------------------------------------------------------------------------
// The model's sizes

/**
 * The embedding size E (units per layer). Boris has 24. Every view draws one cell or node per unit,
 * and 64 is about as many as a 1280-pixel heatmap or network view can still show one by one.
 */
export const EMBEDDING: Range = { min: 1, max: 64 };

/**
 * The vocabulary size V (tokens, with the boundary and the unknown token). Boris has 78. Every step
 * sends the app V probabilities, and W0 and W2 hold V x E numbers each: at 4096 x 64 a model file is
 * about 10 MB and a step about 32 KB, still quick to read, draw and send. A corpus with more distinct
 * words than fit keeps its most frequent ones (VOCABULARY_CAP).
 */
export const VOCABULARY: Range = { min: 3, max: 4096 };

/**
 * The vocabulary cap: how many distinct words (the boundary and the unknown token aside) a model built
 * from a corpus keeps, its most frequent; the others are read as the unknown word. By default, as many
 * as a vocabulary can hold.
 */
export const VOCABULARY_CAP = { min: 1, max: VOCABULARY.max - 2, default: VOCABULARY.max - 2 } as const;

/** The most numbers one weight matrix can hold (W0 and W2 are V x E; W1, E x 2E, is smaller). */
export const MAX_MATRIX_VALUES = VOCABULARY.max * EMBEDDING.max;

// ---------------------------------------------------------------------------------------------
// Training

/** Epochs of a run. Boris trains for 100; 100,000 of Boris's corpus take hours, which is plenty. */
export const EPOCHS: Range = { min: 1, max: 100_000 };

/** A seed is a 32-bit unsigned integer: the generator (mulberry32) uses exactly 32 bits of it. */
export const SEED: Range = { min: 0, max: 2 ** 32 - 1 };

/**
 * The learning rate, above 0. Adam's steps are about the learning rate in size and weights live near
 * [-1, 1], so rates far above 1 diverge, and a run says so (the Train view shows how). Up to 1e9 is
 * allowed for that lesson; anything larger is a typo, refused before a run starts.
 */
export const LEARNING_RATE = { above: 0, max: 1e9 } as const;

/** The share of lines that start from the previous line's context: a share, from 0 to 1. */
export const CARRY_CONTEXT = { min: 0, max: 1 } as const;

/** The diagonal W1's context half may start with (`contextIdentity`); 0 is the plain initialisation. */
export const CONTEXT_IDENTITY = { min: 0, max: 4 } as const;

/** The gradient-norm clip: above 0; training clips at 5 unless told otherwise. */
export const CLIP_NORM = { above: 0, max: 1e12, default: 5 } as const;

/**
 * A corpus's length in characters. Boris's is 347 KB, most of it the dialogues that
 * scripts/make-boris-dialogues.mjs writes; 500,000 characters are tokenized and inspected in well
 * under 100 ms, so the service stays responsive while it checks one as it is typed, and an epoch over
 * it at the largest E still takes only seconds.
 */
export const MAX_CORPUS_CHARACTERS = 500_000;

// ---------------------------------------------------------------------------------------------
// Talking to a model

/**
 * The characters of one message, sentence or text to trace. A chat message is a line or two; 10,000
 * characters is a page, and a page holds no more than a few thousand tokens to check against
 * MAX_PROMPT_TOKENS below.
 */
export const MAX_PROMPT_CHARACTERS = 10_000;

/**
 * The tokens one message, sentence or traced text may have. Every token is one step the service runs
 * and sends to the app (V probabilities each) and one column of the Inside view's timeline; 200 steps
 * are read and sent in a few milliseconds.
 */
export const MAX_PROMPT_TOKENS = 200;

/** The tokens a reply may have when the model does not end its line earlier; 200, as for a prompt. */
export const MAX_REPLY_TOKENS = 200;

/**
 * The turns a replay (a conversation said again after a weight edit) may have. Each turn costs a few
 * milliseconds at Boris's size; 200 turns is a very long chat and still replays in about a second,
 * with the service answering other requests in between.
 */
export const MAX_REPLAY_TURNS = 200;

/** The sampling temperature. Above about 5 every token is nearly equally likely; 10 leaves room. */
export const TEMPERATURE = { min: 0, max: 10 } as const;

/** Top-k sampling keeps the k most likely tokens (0 keeps all); more than V tokens would change nothing. */
export const TOP_K: Range = { min: 0, max: VOCABULARY.max };

/** Nearest words listed for one word: a list a person reads, in the app and in `slm neighbours`. */
export const NEIGHBOURS: Range = { min: 1, max: 100 };

/** Sentences compared at once: the Compare view's colours and its distance matrix are drawn for 16. */
export const COMPARE_SENTENCES: Range = { min: 2, max: 16 };

/** Distances placed on the corpus's scale at once: a full distance matrix of Compare and a few more. */
export const MAX_SCALED_DISTANCES = 1_000;

/**
 * Contexts projected at once (the Inside view's context path): one per step of a long chat. 2,000
 * vectors of E = 64 are 128,000 numbers, checked on arrival in a few milliseconds, which no slice can
 * split; the app asks for a longer chat's steps in several requests.
 */
export const MAX_PROJECT_VECTORS = 2_000;

/** Weight edits in one request: every number of every matrix at the largest sizes. */
export const MAX_WEIGHT_EDITS = 3 * MAX_MATRIX_VALUES;

// ---------------------------------------------------------------------------------------------
// Names and files

/** A model's name, as shown in the Model menu. */
export const MAX_NAME_CHARACTERS = 80;

/** A stored model's id (its file name without `.slm.json`); most file systems allow 255 bytes. */
export const MAX_MODEL_ID_CHARACTERS = 120;

/** A word looked up for its neighbours; no real token is longer. */
export const MAX_WORD_CHARACTERS = 200;

/**
 * A model file (`*.slm.json`) in characters. The largest model allowed (V = 4096, E = 64) has about
 * 530,000 weights of up to 24 characters each: about 13 MB. 32 MB leaves room for its training record.
 */
export const MAX_MODEL_FILE_CHARACTERS = 32_000_000;

/**
 * A lesson file (`*.slm-lesson.json`): a model embedded whole, with its history, and the rest of the
 * lesson (a conversation, notes, weight edits) in a few megabytes besides.
 */
export const MAX_LESSON_FILE_CHARACTERS = MAX_MODEL_FILE_CHARACTERS + 4_000_000;

/**
 * A lesson in a page address (after `#lesson=`), in characters. Browsers take addresses of a few
 * megabytes, but chat apps, mail and QR codes cut long ones: 32,000 keeps a link easy to share, and
 * a lesson on the bundled Boris with a long chat compresses to a few hundred characters.
 */
export const MAX_LESSON_LINK_CHARACTERS = 32_000;

/** A lesson's title, and one of its notes (a short paragraph of plain text shown beside the chat). */
export const MAX_LESSON_TITLE_CHARACTERS = 120;
export const MAX_LESSON_NOTE_CHARACTERS = 600;

/** A lesson's notes: one per step at most, and no chat has more steps worth a note than this. */
export const MAX_LESSON_NOTES = 200;

/**
 * A `weights.npz` in bytes: the largest model's three float64 arrays are about 4.3 MB stored; 16 MB
 * leaves room for an uncompressed archive with extra arrays in it.
 */
export const MAX_WEIGHTS_FILE_BYTES = 16_000_000;

/**
 * One array inside an `.npz`, once inflated: the largest matrix's float64 data plus the longest
 * header numpy writes (a few hundred bytes; 64 KB is the format's own ceiling for version 1.0).
 * An archive member declaring more is refused before anything is inflated.
 */
export const MAX_NPY_MEMBER_BYTES = MAX_MATRIX_VALUES * 8 + 65_536;

/** A `wordmap.json` in characters: V tokens of up to a few hundred characters each. */
export const MAX_WORDMAP_CHARACTERS = 2_000_000;

/** A check set (`slm eval --checks`) in characters: hundreds of short questions and answers. */
export const MAX_CHECKS_CHARACTERS = 2_000_000;

/** An error message quotes at most this many characters of what it was given, then "...". */
export const MAX_QUOTED_CHARACTERS = 200;

/**
 * All the arrays of one `.npz`, once inflated: the three weight matrices at their largest and as much
 * again for any extra arrays an archive may carry. The declared sizes are added up before inflating.
 */
export const MAX_NPZ_INFLATED_BYTES = 6 * MAX_NPY_MEMBER_BYTES;

// ---------------------------------------------------------------------------------------------
// Training history

/**
 * The weight values a run's checkpoints may hold in all (each checkpoint is W0, W1 and W2: Boris's
 * is 4,896 values). A run keeps the weights after every epoch while they fit; past that it thins them
 * evenly (see model/training/checkpoints.ts). 3,000,000 values are 24 MB in memory (float64) and 16 MB of
 * base64 in a model file (float32), so Boris keeps every epoch of runs up to 611 epochs, and even a
 * 100,000-epoch run stays this size.
 */
export const MAX_CHECKPOINT_VALUES = 3_000_000;

/** An epoch of a run's history: 0 (the initial weights) to the most epochs a run may have. */
export const EPOCHS_WITH_START: Range = { min: 0, max: EPOCHS.max };

/** Checkpoints a run keeps at most, whatever the model's size (epoch 0 and the last included). */
export const MAX_CHECKPOINTS = 1_001;

// ---------------------------------------------------------------------------------------------
// Explanations

/**
 * The work Leave it out (model/explanations/occlusion.ts) may do for one prediction, in multiply-adds: leaving out
 * step s of k + 1 steps re-feeds the steps after it (E^2 each, stopping where the context comes back to
 * the original bit for bit) and scores the end (V x E). 50,000,000 take a tenth of a second or two,
 * about what the integrated gradients of the same explanation take: at Boris's size every step of a
 * conversation of over 1,500 steps is left out, and at the largest E and V (which no re-fed context
 * rejoins) the last hundred or so. Steps further back are reported as not measured, the latest first
 * measured, so the words nearest the prediction always are.
 */
export const MAX_OCCLUSION_WORK = 50_000_000;

/**
 * The work "Which units carry the memory" (model/dynamics/patching.ts) may do for one request, in
 * multiply-adds: each of E units patched at step s of the last turn's n steps re-feeds the steps after
 * it (E^2 each) and scores the end (V x E). 100,000,000 take about a tenth of a second: at Boris's size
 * every step of any last turn allowed, and at the largest E and V the first steps of a long one. Steps
 * past it are reported as not measured, the first ones measured, since the history comes in there.
 */
export const MAX_PATCHING_WORK = 100_000_000;

/**
 * The work of one pass of the knock-out table over the held-out texts, in multiply-adds: each
 * prediction scores every token (V x E) and moves the context (2E x E). The table makes 2E + 1 passes.
 * Boris's 10,072 held-out predictions cost about 30 million a pass (the table in well under a second);
 * at V = 4096, E = 32 a held-out set of 6,000 predictions would cost 800 million a pass and the table
 * half a minute, so past this budget the table and the unit cards measure the first held-out texts
 * that fit in it (and say how many).
 */
export const MAX_KNOCKOUT_PASS_WORK = 150_000_000;

// Work budgets: how much one request may compute. Every request the protocol allows is answered
// in bounded time and memory, and long work runs in slices (service/scheduler.ts), so a cheap
// request (listing models, a pause) is answered within a quarter of a second meanwhile.

/**
 * Long work runs in slices of about this many milliseconds, then lets waiting requests in. Short
 * enough that a person never notices the wait (a frame is 16 ms), long enough that yielding costs
 * little.
 */
export const SLICE_MS = 8;

/**
 * The most nodes a reply tree keeps. A tree 12 tokens deep at temperature 10 with a tiny threshold
 * has more branches than atoms in the sky; the tree keeps the most likely paths first (best-first,
 * by path probability) and says it was pruned. 1,000 nodes are more than the Explain view or a
 * terminal can show one by one, and even at V = 4096, E = 64 are grown in about a second.
 */
export const MAX_REPLY_TREE_NODES = 1_000;

/**
 * The contexts one stepDynamics request measures (an E x E eigenproblem each, about 0.5 ms at
 * Boris's E = 16): 10,000 are a very long conversation and take a few seconds, in slices. The app
 * asks for a longer conversation's steps in several requests.
 */
export const MAX_STEP_DYNAMICS_CONTEXTS = 10_000;

/**
 * The steps saliency through time looks back over: the prediction after step k is explained by
 * steps 0..k, so k + 1 is at most this: far more than a conversation of a few hundred turns' worth
 * of a learner's questions, and small enough that one explanation stays within seconds.
 */
export const MAX_EXPLAINED_STEPS = 8_192;

/**
 * Integrated gradients: quadrature points times steps explained, at most. The adaptive rule starts
 * from the points asked for (up to 1,024) and adds points where it misses; past this budget it
 * stops and its completeness gap says what it missed. 4,194,304 point-steps are about 2 s at
 * Boris's size; a one-line turn (16 steps) may still take all 1,024 points and more.
 */
export const MAX_INTEGRATION_WORK = 4_194_304;

/**
 * A training pace, in epochs a second, when one is set: from one epoch every 100 seconds (slower
 * than that is a stopped run) to 1,000 a second (faster than a person can watch). A pace is turned
 * into a wait between epochs, so a tiny one would ask for a wait longer than timers allow.
 */
export const TRAINING_PACE = { min: 0.01, max: 1000 } as const;

/**
 * The deepest nesting of arrays and objects a model file may have. A model file nests 5 deep (the
 * file, its training record, the history, an epoch's record); 64 leaves room. A file nested deeper
 * is refused before it is parsed, so a file of a few megabytes of brackets cannot take seconds and
 * gigabytes to refuse.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The largest weight (in size) the analyses (dynamics, memory, explanations, knock-outs) compute
 * with. A weight multiplies values up to 1 and sums of up to 2E of them are taken, then products of
 * those: above 1e100 they can overflow float64 (about 1.8e308) and the answer would be NaN. A model
 * with larger weights is refused by those analyses with a plain message; chat still works.
 */
export const MAX_ANALYSABLE_WEIGHT = 1e100;

/**
 * How often the app asks the model service whether it is still answering, and how long it waits for
 * the answer before it takes the service to be stuck and restarts it. A ping is answered on arrival,
 * between two slices of any work, so only a service blocked for good misses it; 10 s leaves room for
 * the slowest single step (parsing a 32 MB model file) on a busy machine.
 */
export const SERVICE_PING = { intervalMs: 2_000, timeoutMs: 10_000 } as const;
