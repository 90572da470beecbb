/** The bundled Boris, read and parsed once for every test that needs him. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModel } from '../../src-main/model/formats/slmJson.ts';

/** Where the bundled model file is. */
export const BORIS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources', 'models', 'boris.slm.json');
/** The model file's text. */
export const borisText = readFileSync(BORIS_PATH, 'utf8');
/** The model, as the engine reads it. */
export const boris = parseModel(borisText, 'Boris');
