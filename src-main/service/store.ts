/**
 * Where saved models live. The service speaks only in model-file texts; a store keeps them under
 * ids, creates new ones without ever replacing another (two writers both keep their saves), replaces
 * atomically, and sets aside a file that cannot be read instead of replacing it.
 */
import { inputError, quote } from '../model/network/errors.ts';
import { MAX_MODEL_ID_CHARACTERS } from '../model/network/limits.ts';

export interface StoredFile {
  id: string;
  /** The model file's text; null when it could not be read, with `problem` saying why. */
  text: string | null;
  problem?: string;
}

export interface ModelStore {
  /** Every model file in the store, in a stable order; one that cannot be read is listed with its problem. */
  list(): Promise<StoredFile[]>;
  read(id: string): Promise<string>;
  /** Writes a new file under a new id, never over another; `suggestedId` is a hint (a slug of the name). */
  create(suggestedId: string, text: string): Promise<string>;
  /** Replaces an existing file, atomically. */
  write(id: string, text: string): Promise<void>;
  remove(id: string): Promise<void>;
  /** Moves an unreadable file out of the way, keeping its bytes; returns where it went. */
  setAside(id: string): Promise<string>;
}

/** A store in memory, for the browser build and for tests. */
export class MemoryStore implements ModelStore {
  private readonly files = new Map<string, string>();

  async list(): Promise<StoredFile[]> {
    return [...this.files].map(([id, text]) => ({ id, text }));
  }

  async read(id: string): Promise<string> {
    const text = this.files.get(id);
    if (text === undefined) throw inputError(`there is no stored model ${quote(id)}`);
    return text;
  }

  async create(suggestedId: string, text: string): Promise<string> {
    for (const id of candidateIds(suggestedId)) {
      if (this.files.has(id)) continue;
      this.files.set(id, text);
      return id;
    }
    throw inputError('there is no free name left for this model');
  }

  async write(id: string, text: string): Promise<void> {
    if (!this.files.has(id)) throw inputError(`there is no stored model ${quote(id)}`);
    this.files.set(id, text);
  }

  async remove(id: string): Promise<void> {
    this.files.delete(id);
  }

  /** Takes an unreadable model out of the list (in memory there is no folder to keep it in). */
  async setAside(id: string): Promise<string> {
    await this.read(id);
    this.files.delete(id);
    return `${id}.corrupt`;
  }
}

/** A file-name-safe id from a model's name: "Boris 2!" -> "boris-2". */
export function slug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return s || 'model';
}

/** The ids a new model named `base` may take, in order: "boris", "boris-2", "boris-3", ... */
export function* candidateIds(base: string): Generator<string> {
  const root = slug(base);
  yield root;
  for (let n = 2; n <= 100_000; n++) yield `${root}-${n}`;
}

/**
 * Whether a name can be a stored model's id. Ids the app makes are slugs ("boris-2"); a file a person
 * copied into the store ("Boris (old).slm.json") is accepted too, so it can be listed, opened and
 * deleted, unless its name could leave the folder or confuse a terminal: no slashes, no control
 * characters, no leading dot (temporary and hidden files), at most MAX_MODEL_ID_CHARACTERS.
 */
export function isStoredId(id: string): boolean {
  return id.length >= 1 && id.length <= MAX_MODEL_ID_CHARACTERS && !id.startsWith('.') && !/[/\\\u0000-\u001f\u007f-\u009f]/.test(id);
}
