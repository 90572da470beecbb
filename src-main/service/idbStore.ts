/**
 * Saved models in the browser build: kept in the page's IndexedDB (through idb-keyval) by the service's
 * Web Worker, so they are still there after a reload. Creating is exclusive across tabs (the check and
 * the write are one IndexedDB transaction), and a storage failure (the quota used up, private browsing
 * with storage turned off) is one clear message; nothing already stored is touched by it.
 */
import { type UseStore, createStore, del, entries, get, set, update } from 'idb-keyval';
import { SlmError, clip, inputError, quote } from '../model/network/errors.ts';
import { type ModelStore, type StoredFile, candidateIds, isStoredId } from './store.ts';

const MODEL = 'model:';
const ASIDE = 'aside:';

/** A storage failure in words a person can act on; `action` (may be empty) says what failed. */
export function storageError(error: unknown, action: string): SlmError {
  if (error instanceof SlmError) return error;
  const say = (reason: string) => inputError(action ? `${action}: ${reason}` : reason);
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'QuotaExceededError') {
    return say(
      "the browser has no room left for this page's saved models (its storage quota is used up). Delete a saved model, or save this one as a file from the Files menu",
    );
  }
  if (name === 'InvalidStateError' || name === 'SecurityError' || name === 'ReferenceError' || name === 'UnknownError') {
    return say('this browser keeps no data for this page (private browsing, or site data turned off). Save the model as a file from the Files menu instead');
  }
  return say(`the browser's storage failed (${clip(String((error as Error)?.message ?? error), 200)})`);
}

export class IdbStore implements ModelStore {
  private store: UseStore | null = null;

  constructor(
    private readonly database = 'slm-studio',
    private readonly table = 'models',
  ) {}

  /** Opened on first use, so a browser without IndexedDB fails with a message, not at start-up. */
  private db(): UseStore {
    this.store ??= createStore(this.database, this.table);
    return this.store;
  }

  private async attempt<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw storageError(error, action);
    }
  }

  async list(): Promise<StoredFile[]> {
    const all = await this.attempt('the saved models cannot be listed', () => entries(this.db()) as Promise<[unknown, unknown][]>);
    const files: StoredFile[] = [];
    for (const [key, value] of all) {
      if (typeof key !== 'string' || !key.startsWith(MODEL)) continue;
      const id = key.slice(MODEL.length);
      if (!isStoredId(id)) continue;
      files.push(typeof value === 'string' ? { id, text: value } : { id, text: null, problem: 'what is stored under this name is not a model file' });
    }
    return files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async read(id: string): Promise<string> {
    const text = await this.attempt(`the saved model ${quote(id)} cannot be read`, () => get<unknown>(MODEL + id, this.db()));
    if (typeof text !== 'string') throw inputError(`the saved model ${quote(id)} is not there any more; it may have been deleted`);
    return text;
  }

  async create(suggestedId: string, text: string): Promise<string> {
    for (const id of candidateIds(suggestedId)) {
      let created = false;
      await this.attempt('', () =>
        update<unknown>(
          MODEL + id,
          (old) => {
            created = old === undefined;
            return created ? text : old;
          },
          this.db(),
        ),
      );
      if (created) return id;
    }
    throw inputError('there is no free name left for this model; delete or rename some saved models');
  }

  async write(id: string, text: string): Promise<void> {
    await this.read(id);
    await this.attempt(`the saved model ${quote(id)} cannot be changed`, () => set(MODEL + id, text, this.db()));
  }

  async remove(id: string): Promise<void> {
    await this.attempt(`the saved model ${quote(id)} cannot be deleted`, () => del(MODEL + id, this.db()));
  }

  async setAside(id: string): Promise<string> {
    const text = await this.attempt(`the saved model ${quote(id)} cannot be set aside`, () => get<unknown>(MODEL + id, this.db()));
    const aside = `${id}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await this.attempt(`the saved model ${quote(id)} cannot be set aside`, async () => {
      await set(ASIDE + aside, text, this.db());
      await del(MODEL + id, this.db());
    });
    return `${aside} (kept in the browser's storage)`;
  }
}
