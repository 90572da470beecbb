/**
 * The service's lesson requests: what saving a lesson needs of the open model, and a check of a
 * lesson before the app restores it (lessonReplay.ts does the work; it opens nothing).
 */
import type { HandlersFor, ServiceParts } from './requestTable.ts';
import { checkLessonSliced, embeddedModelFile, lessonModel, weightChanges } from './lessonReplay.ts';

type LessonRequest = 'lessonParts' | 'checkLesson';

export function lessonRequests({ host, models, scheduler }: ServiceParts): HandlersFor<LessonRequest> {
  return {
    lessonParts({ embed }) {
      const open = models.current();
      const opened = models.asOpened();
      const { knockouts, edits } = open.edited ? weightChanges(open.saved, opened.weights) : { knockouts: [], edits: [] };
      // The model is embedded as opened (or last saved): the lesson's edits and knock-outs are applied to it.
      const model = embed ? { name: opened.name, file: embeddedModelFile({ ...opened, weights: open.saved }, embed.withHistory) } : null;
      return { knockouts, edits, epoch: open.shownEpoch, model };
    },
    async checkLesson({ lesson }) {
      const bundled = lesson.model.kind === 'bundled' ? (await host.bundled()).model : '';
      // A lesson of 200 long turns takes about a second to say again: in slices, one turn a slice at most.
      return scheduler.inSlices(checkLessonSliced(lessonModel(lesson, () => bundled), lesson));
    },
  };
}
