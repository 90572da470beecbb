#!/usr/bin/env node
// Writes the dialogues of Boris's corpus (resources/corpus/boris.txt): turns whose right answer
// depends on the turn before ("why?", "tell me again?"), so that training teaches
// his context to carry a topic across the line boundary.
//
// The corpus's one-line dialogues are kept as they are, in their order, except "why ...?" lines: a
// "why?" now asks about the turn before, so the old catch-all lines would teach the opposite. The
// dialogues are made from those lines' own questions, with a seeded generator, and placed between
// them at even spacing. Running the script again on its own output writes the same file, byte for
// byte: `node scripts/make-boris-dialogues.mjs [--check]`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpusPath = join(root, 'resources', 'corpus', 'boris.txt');
const DIALOGUES = 3000;
const SEED = 14;

/**
 * What Boris says after each kind of first answer when asked "why?". Each reason starts with a word
 * of its own, so the first word he writes already shows what he remembered, and every word is one
 * the corpus had before, so his vocabulary stays the same 78 tokens.
 */
const TOPICS = {
  name: { answer: 'i am boris.', why: 'boris is my name.' },
  love: { answer: 'i love frogs.', why: 'frogs are my best friend.' },
  feel: { answer: 'i am good.', why: 'today is a good day.' },
  opinion: { answer: 'frogs are very nice.', why: 'the frogs are very happy.' },
  notFrog: { answer: 'i am not a frog.', why: 'i am boris.' },
  friend: { answer: 'you are my friend.', why: 'you are very nice.' },
  likeMe: { answer: 'you are very nice.', why: null },
  time: { answer: 'i only know frogs.', why: 'only frogs know the time.' },
  help: { answer: 'i only know frogs.', why: 'my frogs can help you.' },
  home: { answer: 'i only know frogs.', why: 'there are many frogs there.' },
  unknown: { answer: 'i only know frogs.', why: null },
  hello: { answer: 'hello friend.', why: null },
  thanks: { answer: 'you are welcome.', why: null },
  bye: { answer: 'bye friend.', why: null },
};

/** Asked about something he does not know ("-" is any word not in his vocabulary, like "cars"). */
const LIKE_OTHER = ['do you like -?', 'do you like the -?', 'hey do you like -?', 'do you like - friend?', 'do you like - now?', 'so do you like -?'];
const OTHER_WHY = 'it is not a frog.';
const FOLLOW_UPS = {
  why: ['why?', 'why is it?', 'why so?', 'why friend?', 'why now?'],
  again: ['again?', 'tell me again?', 'can you tell me again?', 'again please?'],
};

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function topicOf(question, answer) {
  const byAnswer = {
    'i am boris.': 'name',
    'i love frogs.': 'love',
    'i am good.': 'feel',
    'frogs are very nice.': 'opinion',
    'i am not a frog.': 'notFrog',
    'you are my friend.': 'friend',
    'you are very nice.': 'likeMe',
    'hello friend.': 'hello',
    'you are welcome.': 'thanks',
    'bye friend.': 'bye',
  };
  if (byAnswer[answer]) return byAnswer[answer];
  if (answer !== 'i only know frogs.') throw new Error(`no topic for the answer "${answer}"`);
  if (/\btime\b/.test(question)) return 'time';
  if (/\bhelp\b/.test(question)) return 'help';
  if (/\b(live|where)\b/.test(question)) return 'home';
  return 'unknown';
}

const text = readFileSync(corpusPath, 'utf8');
const lines = text.split('\n').filter((line) => line.trim() !== '');
// One-line dialogues: lines that neither continue a dialogue nor are continued by the next line.
const singles = lines.filter((line, i) => !line.startsWith('+') && !(lines[i + 1] ?? '').startsWith('+') && !line.startsWith('why'));
const byTopic = {};
for (const line of singles) {
  const mark = line.indexOf('?');
  const question = line.slice(0, mark + 1);
  const topic = topicOf(question, line.slice(mark + 1).trim());
  (byTopic[topic] ??= []).push(question);
}

const random = mulberry32(SEED);
const pick = (items) => items[Math.floor(random() * items.length)];
const topics = Object.keys(TOPICS);

/** A first turn and Boris's answer, about a topic of the corpus or about one of the OTHERS. */
function firstTurn() {
  if (random() < 0.12) return { line: `${pick(LIKE_OTHER)} i only know frogs.`, why: OTHER_WHY, answer: 'i only know frogs.' };
  const topic = pick(topics);
  const { answer, why } = TOPICS[topic];
  return { line: `${pick(byTopic[topic])} ${answer}`, why, answer };
}

function followUp(first) {
  const kind = first.why && random() < 0.65 ? 'why' : 'again';
  const reply = kind === 'why' ? first.why : first.answer;
  return `+ ${pick(FOLLOW_UPS[kind])} ${reply}`;
}

const dialogues = [];
for (let i = 0; i < DIALOGUES; i++) {
  const dialogue = [];
  const shape = random();
  // A turn about something else first, then the topic and its follow-up.
  if (shape < 0.2) dialogue.push(pick(singles));
  const first = firstTurn();
  dialogue.push(first.line, followUp(first));
  // A second follow-up, or a new question that is answered as it always is.
  if (shape > 0.8) dialogue.push(followUp(first));
  else if (shape > 0.6) dialogue.push(pick(singles));
  dialogues.push(dialogue.map((line, j) => (j > 0 && !line.startsWith('+') ? `+ ${line}` : line)).join('\n'));
}

// Dialogues spread evenly among the one-line dialogues, so the held-out tenth holds both.
const out = [];
const every = singles.length / dialogues.length;
let next = 0;
singles.forEach((line, i) => {
  out.push(line);
  while (next < dialogues.length && (next + 1) * every <= i + 1) out.push(dialogues[next++]);
});
while (next < dialogues.length) out.push(dialogues[next++]);
const written = out.join('\n') + '\n';

if (process.argv.includes('--check')) {
  if (written !== text) {
    console.error('resources/corpus/boris.txt is not what scripts/make-boris-dialogues.mjs writes; run it');
    process.exit(1);
  }
} else {
  writeFileSync(corpusPath, written);
  console.log(`${singles.length} one-line dialogues and ${dialogues.length} dialogues of several lines written to ${corpusPath}`);
}
