/**
 * The service's requests about models: opening one, the store's models (list, save, rename,
 * delete), weight edits, and the open model as files (the app's own, and the original's pair).
 */
import { clip, quote } from '../model/network/errors.ts';
import type { Model } from '../model/network/model.ts';
import { NewerModelFileError, parseModel, serializeModel } from '../model/formats/slmJson.ts';
import { cloneWeights } from '../model/network/network.ts';
import { exportOriginal } from '../model/formats/original.ts';
import type { HandlersFor, ServiceParts } from './requestTable.ts';
import type { StoredModel } from './protocol.ts';

type ModelRequest = 'open' | 'listModels' | 'saveModel' | 'renameModel' | 'deleteModel' | 'setWeights' | 'resetWeights' | 'exportOriginal' | 'exportModelFile';

export function modelRequests({ host, models }: ServiceParts): HandlersFor<ModelRequest> {
  const { store } = host;

  /**
   * Every stored model. One that cannot be read is listed with its problem, and never stops the others
   * being listed: a damaged file is set aside (renamed, kept), a newer app's file is left where it is.
   */
  async function listModels(): Promise<StoredModel[]> {
    const listed: StoredModel[] = [];
    for (const file of await store.list()) {
      if (file.text === null) {
        listed.push({ id: file.id, name: file.id, problem: file.problem ?? 'the file cannot be read' });
        continue;
      }
      try {
        listed.push({ id: file.id, name: parseModel(file.text, quote(file.id)).name });
      } catch (error) {
        const message = clip((error as Error).message);
        if (error instanceof NewerModelFileError) {
          listed.push({ id: file.id, name: file.id, problem: message, newer: true });
          continue;
        }
        let where: string;
        try {
          where = `set aside as ${await store.setAside(file.id)}`;
        } catch (failure) {
          where = `it could not be set aside (${clip((failure as Error).message)})`;
        }
        listed.push({ id: file.id, name: file.id, problem: `${message}; ${where}` });
      }
    }
    return listed;
  }

  return {
    open: ({ source }) => models.openSource(source),
    listModels,
    async saveModel({ name }) {
      const model = models.asOpened();
      const copy: Model = { ...model, name, weights: cloneWeights(model.weights) };
      const id = await store.create(name, serializeModel(copy));
      models.saved(id, name);
      return { id, name };
    },
    async renameModel({ modelId, name }) {
      const model = parseModel(await store.read(modelId), `the stored model ${quote(modelId)}`);
      model.name = name;
      await store.write(modelId, serializeModel(model));
      models.renamed(modelId, name);
      return { id: modelId, name };
    },
    async deleteModel({ modelId }) {
      await store.remove(modelId);
      models.removed(modelId);
      return null;
    },
    setWeights: ({ edits }) => models.setWeights(edits),
    resetWeights: () => models.resetWeights(),
    exportOriginal: () => exportOriginal(models.asOpened()),
    exportModelFile: () => {
      const model = models.asOpened();
      return { name: model.name, text: serializeModel(model) };
    },
  };
}
