/**
 * Where saved models live. The service speaks only in model-file texts; a store keeps them under
 * ids, writes atomically, and sets aside a file that cannot be read instead of replacing it.
 */
export interface StoredFile {
  id: string;
  text: string;
}

export interface ModelStore {
  /** Every model file in the store, in a stable order. */
  list(): Promise<StoredFile[]>;
  read(id: string): Promise<string>;
  /** Writes a new file; `suggestedId` is a hint (a slug of the name); the id used is returned. */
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
  readonly setAsideFiles = new Map<string, string>();

  async list(): Promise<StoredFile[]> {
    return [...this.files].map(([id, text]) => ({ id, text }));
  }

  async read(id: string): Promise<string> {
    const text = this.files.get(id);
    if (text === undefined) throw new Error(`there is no stored model "${id}"`);
    return text;
  }

  async create(suggestedId: string, text: string): Promise<string> {
    const id = uniqueId(suggestedId, (candidate) => this.files.has(candidate));
    this.files.set(id, text);
    return id;
  }

  async write(id: string, text: string): Promise<void> {
    if (!this.files.has(id)) throw new Error(`there is no stored model "${id}"`);
    this.files.set(id, text);
  }

  async remove(id: string): Promise<void> {
    this.files.delete(id);
  }

  async setAside(id: string): Promise<string> {
    const text = await this.read(id);
    this.files.delete(id);
    const aside = `${id}.corrupt`;
    this.setAsideFiles.set(aside, text);
    return aside;
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

export function uniqueId(base: string, taken: (id: string) => boolean): string {
  const root = slug(base);
  if (!taken(root)) return root;
  for (let n = 2; ; n++) if (!taken(`${root}-${n}`)) return `${root}-${n}`;
}
