/**
 * The service's requests about the open model's training history: showing the weights of one epoch
 * in place of its own (the Epoch slider), and opening an epoch's checkpoint as a model of its own.
 * The open model's owner (openModel.ts) does both; this is their entry in the request table.
 */
import type { HandlersFor, ServiceParts } from './requestTable.ts';

type HistoryRequest = 'showEpoch' | 'useEpoch' | 'trainingCorpus';

export function historyRequests({ models }: ServiceParts): HandlersFor<HistoryRequest> {
  return {
    showEpoch: ({ epoch }) => models.showEpoch(epoch),
    useEpoch: ({ epoch }) => models.useEpoch(epoch),
    trainingCorpus: () => ({ corpus: models.current().model.training?.corpus ?? null }),
  };
}
