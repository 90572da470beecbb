import type { Bridge } from './bridge.ts';
import { CompareState } from './compare.svelte.ts';
import { ContextProjection } from './contextProjection.svelte.ts';
import { Explainer } from './explainer.svelte.ts';
import { FILE_COMMANDS, FileActions } from './fileActions.svelte.ts';
import { LESSON_COMMANDS, Lessons } from './lesson.svelte.ts';
import { ModelLibrary } from './modelLibrary.svelte.ts';
import { StepAnatomy } from './stepAnatomy.svelte.ts';
import { StudioCore } from './studio.svelte.ts';
import { Tour } from './tour.svelte.ts';

/**
 * The renderer's one owner of state: the open model, the conversation and its clock (StudioCore, in
 * studio.svelte.ts), and the parts built on them, made with it and read through it
 * (`useStudio().explainer`), never made by a view. A part depends on the core only, so no part
 * imports this file and the parts need not know one another.
 */
export class Studio extends StudioCore {
  /** Saliency, the reply tree, unit cards and the knock-out table. */
  readonly explainer: Explainer;
  /** The intermediate numbers of the step under the clock. */
  readonly anatomy: StepAnatomy;
  /** The tours, and whether the first one was seen. */
  readonly tour: Tour;
  /** The models a person can open (the bundled Boris and the stored ones). */
  readonly library: ModelLibrary;
  /** Where each step's context lands in the model's PCA plane: one cache for every view that draws it. */
  readonly projection: ContextProjection;
  /** Opening, saving and exporting model files, from the Files buttons, the desktop's menu or a launch. */
  readonly files: FileActions;
  /** Compare's sentences, metric and mode, kept while the learner is on other views. */
  readonly compare: CompareState;
  /** Saving the moment as a lesson, restoring one, and its notes. */
  readonly lessons: Lessons;

  constructor(bridge: Bridge) {
    super(bridge);
    this.explainer = new Explainer(this);
    this.anatomy = new StepAnatomy(this);
    this.tour = new Tour(this);
    this.library = new ModelLibrary(this);
    this.projection = new ContextProjection(bridge);
    this.files = new FileActions(this);
    this.compare = new CompareState(this);
    this.lessons = new Lessons(this, this.explainer, this.compare);
  }

  /**
   * Opens Boris, then takes the desktop's File menu and the files given to the app: a file given at
   * launch waits in the bridge until then, and replaces him (never the other way round). Nothing on
   * the screen is needed for it.
   */
  override async start(): Promise<void> {
    await super.start();
    if (this.#takingCommands) return;
    this.#takingCommands = true;
    this.bridge.onCommand(FILE_COMMANDS, (command) => void this.files.carryOut(command));
    this.bridge.onCommand(LESSON_COMMANDS, (command) => this.lessons.carryOut(command));
  }

  #takingCommands = false;
}
