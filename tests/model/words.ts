/** A small vocabulary, by row, that the model tests share: the boundary, unknown, then words and marks. */
export const WORDS = ['', '-', 'i', 'am', 'boris', '.', 'who', 'are', 'you', '?', 'frogs', 'love'];
