/**
 * The Python literals numpy writes into an `.npy` header (a dict of strings, numbers, booleans,
 * None, tuples and lists), parsed by recursive descent, never evaluated. Used by npy.ts.
 */

export type PyValue = string | number | boolean | null | PyTuple | PyValue[] | PyDict;

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

export class PyDict {
  constructor(readonly entries: Map<string, PyValue>) {}
}

export class HeaderSyntaxError extends Error {}

/** A recursive-descent parser for the Python literals numpy writes into npy headers. */
export class PyLiteralParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseAll(): PyValue {
    const value = this.parseValue(0);
    this.skipSpace();
    // numpy pads the header with spaces and ends it with '\n'; some writers pad with NULs.
    while (this.pos < this.text.length && this.text[this.pos] === '\0') this.pos++;
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected text after the dictionary');
    return value;
  }

  private fail(what: string): never {
    throw new HeaderSyntaxError(`${what} at character ${this.pos + 1}`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n\f\v'.includes(this.text[this.pos])) this.pos++;
  }

  private parseValue(depth: number): PyValue {
    if (depth > 32) this.fail('values nested too deeply');
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail('the header ends too early');
    const c = this.text[this.pos];
    if (c === '{') return this.parseDict(depth);
    if (c === '(') return this.parseParenthesized(depth);
    if (c === '[') return this.parseList(depth);
    if (c === "'" || c === '"') return this.parseString();
    if ((c === 'b' || c === 'u' || c === 'B' || c === 'U') && this.isQuote(this.text[this.pos + 1])) {
      this.pos++;
      return this.parseString();
    }
    if (c === '-' || c === '+' || (c >= '0' && c <= '9') || c === '.') return this.parseNumber();
    if (/[A-Za-z_]/.test(c)) return this.parseName();
    this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  private isQuote(c: string | undefined): boolean {
    return c === "'" || c === '"';
  }

  /** Parses items up to `close`, allowing a trailing comma; reports whether any comma was seen. */
  private parseItems(close: string, depth: number): { items: PyValue[]; sawComma: boolean } {
    const items: PyValue[] = [];
    let sawComma = false;
    this.pos++; // the opening bracket
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return { items, sawComma };
      }
      items.push(this.parseValue(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        sawComma = true;
        this.pos++;
      } else if (this.text[this.pos] !== close) {
        this.fail(`expected ',' or '${close}'`);
      }
    }
  }

  private parseParenthesized(depth: number): PyValue {
    const { items, sawComma } = this.parseItems(')', depth);
    // "(x)" is just x in Python; "()", "(x,)" and "(x, y)" are tuples.
    if (items.length === 1 && !sawComma) return items[0];
    return new PyTuple(items);
  }

  private parseList(depth: number): PyValue {
    return this.parseItems(']', depth).items;
  }

  private parseDict(depth: number): PyDict {
    const entries = new Map<string, PyValue>();
    this.pos++; // '{'
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return new PyDict(entries);
      }
      const key = this.parseValue(depth + 1);
      if (typeof key !== 'string') this.fail('a dictionary key is not a string');
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      const value = this.parseValue(depth + 1);
      if (entries.has(key)) this.fail(`the key '${key}' appears twice`);
      entries.set(key, value);
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail("expected ',' or '}'");
    }
  }

  private parseString(): string {
    const quote = this.text[this.pos];
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('a string is not closed');
      const c = this.text[this.pos++];
      if (c === quote) return out;
      if (c === '\n') this.fail('a string runs past the end of the line');
      if (c !== '\\') {
        out += c;
        continue;
      }
      if (this.pos >= this.text.length) this.fail('a string is not closed');
      const e = this.text[this.pos++];
      const simple: Record<string, string> = {
        '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v',
      };
      if (e in simple) out += simple[e];
      else if (e === 'x' || e === 'u') {
        const len = e === 'x' ? 2 : 4;
        const hex = this.text.slice(this.pos, this.pos + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.fail('a string has a bad escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += len;
      } else {
        out += '\\' + e; // Python keeps unknown escapes as they are
      }
    }
  }

  private parseNumber(): number {
    const match = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?[lL]?/.exec(this.text.slice(this.pos));
    if (!match) this.fail('a number is malformed');
    this.pos += match[0].length;
    const value = Number(match[0].replace(/[lL]$/, ''));
    if (!Number.isFinite(value)) this.fail('a number is malformed');
    return value;
  }

  private parseName(): boolean | null {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    const word = match ? match[0] : '';
    if (word === 'True' || word === 'False' || word === 'None') {
      this.pos += word.length;
      return word === 'True' ? true : word === 'False' ? false : null;
    }
    this.fail(`unexpected name '${word}'`);
  }
}
