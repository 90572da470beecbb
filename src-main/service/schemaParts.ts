/**
 * The protocol's building blocks (protocol.ts and its part files use them): numbers that must be
 * finite or whole, ranges from the limits, a request (an id, a type and its entries), and the shape of
 * one entry of the request table.
 */
import * as v from 'valibot';

export const finite = v.pipe(v.number(), v.finite());
export const whole = v.pipe(v.number(), v.integer());
export const vector = v.array(finite);
export const within = (range: { min: number; max: number }) => v.pipe(whole, v.minValue(range.min), v.maxValue(range.max));

export const request = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.object({ id: v.pipe(whole, v.minValue(0)), type: v.literal(type), ...entries });

/**
 * How a request waits its turn (service/scheduler.ts): `model` changes the open model and waits for
 * everything before it; `conversation` runs in order after the model changes before it; `read` only
 * reads, after the model changes before it; `arrival` is answered as it arrives, ahead of any queue.
 */
export type Lane = 'model' | 'conversation' | 'read' | 'arrival';

/** One request of the table: every field is required, so none is forgotten. */
export interface RequestEntry {
  lane: Lane;
  /** True when a newer request of the same type stops this one, waiting or running (answered "cancelled"). */
  superseded: boolean;
  /** Its fields besides its id and type. */
  request: v.ObjectEntries;
  result: v.GenericSchema;
}
export type RequestEntries = Record<string, RequestEntry>;

/** The keys that more than one part has: never when they are disjoint. */
export type Overlap<Parts extends readonly object[], Seen extends PropertyKey = never> = Parts extends readonly [infer First extends object, ...infer Rest extends readonly object[]]
  ? (keyof First & Seen) | Overlap<Rest, Seen | keyof First>
  : never;
type Joined<Parts extends readonly object[]> = Parts extends readonly [infer First, ...infer Rest extends readonly object[]] ? First & Joined<Rest> : unknown;
/** What the compiler says when two parts have the same key. */
export type Disjoint<Parts extends readonly object[]> = [Overlap<Parts>] extends [never] ? unknown : { 'declared more than once': Overlap<Parts> };

/**
 * Joins the parts of a table, each key from exactly one part: the compiler refuses parts that share
 * a key (and so does this at run time, for a caller that cast its way past it).
 */
export function joinParts<const Parts extends readonly object[]>(...parts: Parts & Disjoint<Parts>): { [K in keyof Joined<Parts>]: Joined<Parts>[K] } {
  const joined: Record<string, unknown> = {};
  for (const part of parts as readonly object[]) {
    for (const [key, value] of Object.entries(part)) {
      if (Object.hasOwn(joined, key)) throw new Error(`"${key}" is declared more than once`);
      joined[key] = value;
    }
  }
  return joined as { [K in keyof Joined<Parts>]: Joined<Parts>[K] };
}

/** A part of the request table, checked as it is written: a missing lane or result is a compile error. */
export const requestEntries = <const T extends RequestEntries>(entries: T): T => entries;

type RequestSchemaOf<T extends string, E extends v.ObjectEntries> = ReturnType<typeof request<T, E>>;
/** Each request type's schema: its entries with its id and type. */
export function requestSchemas<T extends RequestEntries>(table: T): { [K in keyof T & string]: RequestSchemaOf<K, T[K]['request']> } {
  return Object.fromEntries(Object.entries(table).map(([type, entry]) => [type, request(type, entry.request)])) as {
    [K in keyof T & string]: RequestSchemaOf<K, T[K]['request']>;
  };
}
