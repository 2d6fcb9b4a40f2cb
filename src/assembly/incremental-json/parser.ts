/**
 * The incremental JSON parser: a character-code state machine over an explicit container stack.
 *
 * Design (why it is linear):
 * - Every character of the input is examined once (a number's delimiter twice). Strings and
 *   numbers are taken as `slice`s of the fragment between escapes / delimiters, so there is no
 *   per-character allocation; a string that spans fragments is appended to with `+=` (a V8 rope,
 *   O(1) per fragment).
 * - Containers are built in place: a `{`/`[` creates the final object/array at once, puts it in
 *   its parent, and pushes it on the stack; values are pushed/assigned into it when they complete;
 *   `}`/`]` only pops the stack. So a closed value is never touched again, and partial values need
 *   no rebuilding: `partial()` writes the string being read into its slot (O(1)) and returns the
 *   root. The open containers are therefore *live* (they grow in place). The alternative — a fresh
 *   copy of every changed open container on each partial, so that identity changes along the open
 *   path — cannot be O(depth): a new plain array of N items costs Θ(N) to build, which makes a
 *   stream of a growing N-item array quadratic. That copying variant is offered separately as
 *   `snapshot()`, for small values and React-style state: on a growing array its cost per call
 *   grows with the array, where partial()'s stays constant (`npm run bench` measures both).
 * - A string read in many pieces is flattened when it closes (see FLATTEN_PIECES), so the final
 *   value holds flat strings (a byte or two a character, not a rope's node per piece).
 * - Depth lives on the explicit stack (`stack`, `stackIsArray`, `stackKey`), so 10,000+ levels
 *   of nesting cost memory, never call stack.
 */
import type { LimitError, ParseError } from '../../errors.js';
import { jsonDepthError, jsonEmptyError, jsonSyntaxError } from './errors.js';
import { setOwnField } from '../own-field.js';
import { type Container, type JsonObject, copyOpenContainers } from './partial-value.js';
import type { IncrementalJson, IncrementalJsonOptions, JsonPath } from './types.js';

// Scanner states. The structural ones (< STRING) skip whitespace first.
const VALUE = 0; // a value must start: top level, after ':' or after ',' in an array
const ARRAY_FIRST = 1; // after '[': a value or ']'
const OBJECT_FIRST = 2; // after '{': a key or '}'
const KEY = 3; // after ',' in an object: a key
const COLON = 4; // after a key: ':'
const AFTER_VALUE = 5; // after a value in a container: ',' or the closing bracket
const DONE = 6; // after the top-level value: only whitespace
const STRING = 7; // inside a string (a key when strIsKey)
const ESCAPE = 8; // after a backslash in a string
const UNICODE = 9; // inside the 4 hex digits of \uXXXX
const NUMBER = 10;
const LITERAL = 11; // inside true / false / null

// Number sub-states (the JSON number grammar).
const N_START = 0; // nothing read yet: '-' or a digit
const N_MINUS = 1; // '-': a digit
const N_ZERO = 2; // a leading '0': '.', 'e', or the end
const N_INT = 3; // integer digits
const N_DOT = 4; // '.': a digit
const N_FRAC = 5; // fraction digits
const N_EXP = 6; // 'e': a sign or a digit
const N_EXP_SIGN = 7; // 'e+': a digit
const N_EXP_DIGITS = 8; // exponent digits
/** Bit set of the number sub-states at which a number may end. */
const N_TERMINAL = (1 << N_ZERO) | (1 << N_INT) | (1 << N_FRAC) | (1 << N_EXP_DIGITS);

/** A completed string built from more pieces than this is flattened (see the STRING state). */
const FLATTEN_PIECES = 8;

/** The string for each single-character escape, by the char code after the backslash. */
const ESCAPES: string[] = [];
for (const [c, s] of [['"', '"'], ['\\', '\\'], ['/', '/'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t']]) {
  ESCAPES[c.charCodeAt(0)] = s;
}

const EXPECTED: Record<number, string> = {
  [VALUE]: 'expected a value',
  [ARRAY_FIRST]: "expected a value or ']'",
  [OBJECT_FIRST]: "expected a string key or '}'",
  [KEY]: 'expected a string key',
  [COLON]: "expected ':'",
  [DONE]: 'expected nothing after the JSON value',
};

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20; // ASCII lower case
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

export class IncrementalJsonParser implements IncrementalJson {
  private _text = '';
  /** Characters fed before the current fragment. */
  private consumed = 0;
  private state = VALUE;
  private root: unknown = undefined;
  private _done = false;
  private _error: ParseError | LimitError | undefined = undefined;
  private ended = false;
  private readonly maxDepth: number;

  // The open containers, outermost first; `cur`/`curIsArray` cache the innermost one.
  private depth = 0;
  private readonly stack: Container[] = [];
  private readonly stackIsArray: boolean[] = [];
  /** Per open object: the key whose value is being read (the last key read). */
  private readonly stackKey: string[] = [];
  private cur: Container = [];
  private curIsArray = false;

  // The string being read: strBuf + strHigh is its text before the current fragment position.
  private strIsKey = false;
  /** The open string value was already put into its array slot (by partial()). */
  private strPlaced = false;
  /** The slot of the open string value holds its current text. */
  private strSynced = false;
  private strBuf = '';
  /** A high surrogate held back from partials until the character after it arrives. */
  private strHigh = '';
  private strStart = 0;
  /** Pieces appended to strBuf (runs and escapes), to decide whether to flatten the final string. */
  private strPieces = 0;
  private uni = 0;
  private uniCount = 0;

  private numState = N_START;
  private numBuf = '';

  private litText = '';
  private litPos = 0;
  private litValue: boolean | null = null;

  /** Something visible changed since the last snapshot(). */
  private dirty = true;
  private snap: unknown = undefined;
  private work = 0;

  constructor(options: IncrementalJsonOptions = {}) {
    // Checked by createIncrementalJson (assembly/check-options.ts).
    this.maxDepth = options.maxDepth ?? Infinity;
  }

  get text(): string {
    return this._text;
  }

  get done(): boolean {
    return this._done;
  }

  get error(): ParseError | LimitError | undefined {
    return this._error;
  }

  /**
   * Instrumentation for tests: a count of the elementary steps done so far (characters examined,
   * path entries built, elements copied by snapshot()). Not part of the public API.
   * @internal
   */
  get workUnits(): number {
    return this.work;
  }

  // One piece: the scanner is one state machine, a loop over the characters with its state in
  // locals (the shape of eventsource-parser's parse.ts); a call per character would cost more.
  feed(fragment: string): void {
    if (this.ended) return;
    this._text += fragment;
    const base = this.consumed;
    const n = fragment.length;
    this.consumed = base + n;
    if (this._error !== undefined) return;
    let state = this.state;
    let i = 0;
    let steps = 0;
    while (i < n) {
      steps++;
      if (state < STRING) {
        let c = fragment.charCodeAt(i);
        if (c === 32 || c === 10 || c === 13 || c === 9) {
          const from = i;
          do {
            if (++i === n) break;
            c = fragment.charCodeAt(i);
          } while (c === 32 || c === 10 || c === 13 || c === 9);
          steps += i - from;
          if (i === n) break;
        }
        switch (state) {
          case VALUE:
          case ARRAY_FIRST:
            if (c === 34) {
              this.strIsKey = false;
              this.strPlaced = false;
              this.strSynced = false;
              this.strStart = base + i;
              this.dirty = true;
              state = STRING;
              i++;
            } else if (c === 123 || c === 91) {
              if (!this.open(c === 91, base + i)) return this.stop(state, steps);
              state = c === 91 ? ARRAY_FIRST : OBJECT_FIRST;
              i++;
            } else if (c === 45 || (c >= 48 && c <= 57)) {
              this.numState = N_START;
              this.numBuf = '';
              state = NUMBER; // the number loop reads this character again
            } else if (c === 116 || c === 102 || c === 110) {
              this.litText = c === 116 ? 'true' : c === 102 ? 'false' : 'null';
              this.litValue = c === 116 ? true : c === 102 ? false : null;
              this.litPos = 0;
              state = LITERAL;
            } else if (c === 93 && state === ARRAY_FIRST) {
              state = this.close();
              i++;
            } else return this.fail(state, steps, base + i, EXPECTED[state]);
            break;
          case AFTER_VALUE:
            if (c === 44) state = this.curIsArray ? VALUE : KEY;
            else if (c === (this.curIsArray ? 93 : 125)) state = this.close();
            else return this.fail(state, steps, base + i, this.curIsArray ? "expected ',' or ']'" : "expected ',' or '}'");
            i++;
            break;
          case OBJECT_FIRST:
          case KEY:
            if (c === 34) {
              this.strIsKey = true;
              this.strStart = base + i;
              state = STRING;
            } else if (c === 125 && state === OBJECT_FIRST) state = this.close();
            else return this.fail(state, steps, base + i, EXPECTED[state]);
            i++;
            break;
          case COLON:
            if (c !== 58) return this.fail(state, steps, base + i, EXPECTED[state]);
            state = VALUE;
            i++;
            break;
          default: // DONE
            return this.fail(state, steps, base + i, EXPECTED[DONE]);
        }
        continue;
      }
      switch (state) {
        case STRING: {
          let j = i;
          let c = 0;
          while (j < n) {
            c = fragment.charCodeAt(j);
            if (c === 34 || c === 92 || c < 32) break;
            j++;
          }
          steps += j - i;
          if (j === n) {
            if (j > i) this.appendRun(fragment, i, j);
            i = n;
          } else if (c === 34) {
            const run = fragment.slice(i, j);
            let s: string;
            if (this.strBuf === '' && this.strHigh === '') s = run;
            else {
              s = this.strBuf + this.strHigh + run;
              // A string read in many pieces is a rope, several times larger than its text;
              // reading a char flattens it (V8), so the final value holds a flat string and the
              // pieces die young: less GC on long values, at the cost of one copy on short ones.
              if (this.strPieces > FLATTEN_PIECES) s.charCodeAt(0);
              this.strPieces = 0;
            }
            this.strBuf = '';
            this.strHigh = '';
            i = j + 1;
            if (this.strIsKey) {
              this.stackKey[this.depth - 1] = s;
              state = COLON;
            } else state = this.closeString(s);
          } else if (c === 92) {
            if (j > i) this.appendRun(fragment, i, j);
            i = j + 1;
            state = ESCAPE;
          } else {
            if (j > i) this.appendRun(fragment, i, j);
            return this.fail(state, steps, base + j, 'expected more string or \'"\' (control characters must be escaped)');
          }
          break;
        }
        case ESCAPE: {
          const c = fragment.charCodeAt(i);
          if (c === 117) {
            this.uni = 0;
            this.uniCount = 0;
            state = UNICODE;
          } else {
            const s = c < 128 ? ESCAPES[c] : undefined;
            if (s === undefined) return this.fail(state, steps, base + i, 'expected an escape character (one of " \\ / b f n r t u)');
            this.appendUnit(s.charCodeAt(0));
            state = STRING;
          }
          i++;
          break;
        }
        case UNICODE: {
          let u = this.uni;
          let count = this.uniCount;
          while (i < n && count < 4) {
            const h = hexValue(fragment.charCodeAt(i));
            if (h < 0) return this.fail(state, steps, base + i, 'expected a hex digit of a \\u escape');
            u = (u << 4) | h;
            count++;
            i++;
          }
          if (count === 4) {
            this.appendUnit(u);
            state = STRING;
          } else {
            this.uni = u;
            this.uniCount = count;
          }
          break;
        }
        case NUMBER: {
          let ns = this.numState;
          let j = i;
          for (; j < n; j++) {
            const c = fragment.charCodeAt(j);
            if (c >= 48 && c <= 57) {
              if (ns === N_INT || ns === N_FRAC || ns === N_EXP_DIGITS) continue;
              if (ns === N_START || ns === N_MINUS) ns = c === 48 ? N_ZERO : N_INT;
              else if (ns === N_DOT) ns = N_FRAC;
              else if (ns === N_EXP || ns === N_EXP_SIGN) ns = N_EXP_DIGITS;
              else return this.fail(state, steps, base + j, "expected '.', 'e' or the end of the number (no leading zeros)");
            } else if (c === 45 && ns === N_START) ns = N_MINUS;
            else if ((c === 45 || c === 43) && ns === N_EXP) ns = N_EXP_SIGN;
            else if (c === 46 && (ns === N_ZERO || ns === N_INT)) ns = N_DOT;
            else if ((c === 101 || c === 69) && (ns === N_ZERO || ns === N_INT || ns === N_FRAC)) ns = N_EXP;
            else break;
          }
          steps += j - i;
          if (j === n) {
            this.numBuf += fragment.slice(i, n);
            this.numState = ns;
            i = n;
          } else if (((N_TERMINAL >> ns) & 1) === 0) {
            return this.fail(state, steps, base + j, ns === N_EXP ? "expected a digit, '+' or '-'" : 'expected a digit');
          } else {
            let value: number;
            if (this.numBuf === '' && j - i < 16 && (ns === N_INT || ns === N_ZERO)) {
              // fast path: an integer of at most 15 digits is exact in a double
              const negative = fragment.charCodeAt(i) === 45;
              value = 0;
              for (let k = negative ? i + 1 : i; k < j; k++) value = value * 10 + (fragment.charCodeAt(k) - 48);
              if (negative) value = -value;
            } else {
              value = +(this.numBuf === '' ? fragment.slice(i, j) : this.numBuf + fragment.slice(i, j));
              this.numBuf = '';
            }
            state = this.place(value);
            i = j; // the delimiter is read again in the new state
          }
          break;
        }
        default: {
          // LITERAL
          const lit = this.litText;
          let p = this.litPos;
          while (i < n && p < lit.length) {
            if (fragment.charCodeAt(i) !== lit.charCodeAt(p)) {
              return this.fail(state, steps, base + i, `expected '${lit[p]}' of '${lit}'`);
            }
            i++;
            p++;
          }
          this.litPos = p;
          if (p === lit.length) state = this.place(this.litValue);
        }
      }
    }
    this.state = state;
    this.work += steps;
  }

  partial(): unknown {
    const s = this.state;
    if ((s === STRING || s === ESCAPE || s === UNICODE) && !this.strIsKey && !this.strSynced) this.syncString();
    return this.root;
  }

  snapshot(): unknown {
    this.partial();
    if (!this.dirty) return this.snap;
    this.dirty = false;
    if (this.depth === 0) return (this.snap = this.root);
    const { root, copied } = copyOpenContainers(this.stack, this.stackIsArray, this.stackKey, this.depth);
    this.work += copied;
    return (this.snap = root);
  }

  openPath(): JsonPath {
    const d = this.depth;
    const s = this.state;
    const inString = (s === STRING || s === ESCAPE || s === UNICODE) && !this.strIsKey;
    const inValue = inString || s === NUMBER || s === LITERAL;
    const path: Array<string | number> = [];
    for (let k = 0; k < d; k++) {
      const innermost = k === d - 1;
      if (innermost && !inValue) break;
      if (this.stackIsArray[k]) {
        const len = (this.stack[k] as unknown[]).length;
        path.push(innermost && !(inString && this.strPlaced) ? len : len - 1);
      } else path.push(this.stackKey[k]);
    }
    this.work += d + 1;
    return path;
  }

  end(): unknown {
    if (!this.ended) {
      this.ended = true;
      if (this._error === undefined) this.finish();
    }
    if (this._error !== undefined) throw this._error;
    return this.root;
  }

  private finish(): void {
    let state = this.state;
    const at = this.consumed;
    if (state === NUMBER) {
      const ns = this.numState;
      if (((N_TERMINAL >> ns) & 1) === 0) {
        this.fail(state, 0, at, ns === N_EXP ? "expected a digit, '+' or '-'" : 'expected a digit');
        return;
      }
      const num = this.numBuf;
      this.numBuf = '';
      state = this.state = this.place(+num);
    }
    if (state === DONE) return;
    if (state === VALUE && this.depth === 0) {
      this._error = jsonEmptyError(this._text);
      return;
    }
    let expected: string;
    if (state === STRING || state === ESCAPE || state === UNICODE) {
      expected = `the ${this.strIsKey ? 'key' : 'string'} that starts at character ${this.strStart} is not closed`;
    } else if (state === LITERAL) expected = `expected the rest of '${this.litText}'`;
    else if (state === AFTER_VALUE) expected = this.curIsArray ? "expected ',' or ']'" : "expected ',' or '}'";
    else expected = EXPECTED[state];
    const d = this.depth;
    this.fail(state, 0, at, d === 0 ? expected : `${expected} (${d} unclosed ${d === 1 ? 'container' : 'containers'})`);
  }

  /** Records a syntax error at character `offset`; the parser stops (later text is only kept). */
  private fail(state: number, steps: number, offset: number, expected: string): void {
    this._error = jsonSyntaxError(this._text, offset, expected);
    this.stop(state, steps);
  }

  private stop(state: number, steps: number): void {
    this.state = state;
    this.work += steps;
  }

  /** Opens a container at character `offset`: creates it, puts it into its parent, pushes it. */
  private open(isArray: boolean, offset: number): boolean {
    const d = this.depth;
    if (d >= this.maxDepth) {
      this._error = jsonDepthError(this._text, offset, this.maxDepth);
      return false;
    }
    const c: Container = isArray ? [] : {};
    if (d === 0) this.root = c;
    else if (this.curIsArray) (this.cur as unknown[]).push(c);
    else setOwnField(this.cur as JsonObject, this.stackKey[d - 1], c);
    this.stack[d] = c;
    this.stackIsArray[d] = isArray;
    this.depth = d + 1;
    this.cur = c;
    this.curIsArray = isArray;
    this.dirty = true;
    return true;
  }

  /** Closes the innermost container (it is already in its parent); returns the next state. */
  private close(): number {
    const d = this.depth - 1;
    this.depth = d;
    this.dirty = true; // snapshot() shares the closed container itself from now on
    if (d === 0) {
      this._done = true;
      return DONE;
    }
    this.cur = this.stack[d - 1];
    this.curIsArray = this.stackIsArray[d - 1];
    return AFTER_VALUE;
  }

  /** Puts a completed number or literal into its slot; returns the next state. */
  private place(value: unknown): number {
    this.dirty = true;
    const d = this.depth;
    if (d === 0) {
      this.root = value;
      this._done = true;
      return DONE;
    }
    if (this.curIsArray) (this.cur as unknown[]).push(value);
    else setOwnField(this.cur as JsonObject, this.stackKey[d - 1], value);
    return AFTER_VALUE;
  }

  /** Puts a completed string value into its slot (which partial() may have filled); returns the next state. */
  private closeString(s: string): number {
    this.dirty = true;
    const d = this.depth;
    if (d === 0) {
      this.root = s;
      this._done = true;
      return DONE;
    }
    if (this.curIsArray) {
      const a = this.cur as unknown[];
      if (this.strPlaced) a[a.length - 1] = s;
      else a.push(s);
    } else setOwnField(this.cur as JsonObject, this.stackKey[d - 1], s);
    return AFTER_VALUE;
  }

  /** Writes the text of the string value being read into its slot. */
  private syncString(): void {
    const s = this.strBuf;
    const d = this.depth;
    if (d === 0) this.root = s;
    else if (this.curIsArray) {
      const a = this.cur as unknown[];
      if (this.strPlaced) a[a.length - 1] = s;
      else a.push(s);
    } else setOwnField(this.cur as JsonObject, this.stackKey[d - 1], s);
    this.strPlaced = true;
    this.strSynced = true;
  }

  /** Appends fragment[a, b) (a < b) to the string being read, holding back a final high surrogate. */
  private appendRun(fragment: string, a: number, b: number): void {
    this.strPieces++;
    if ((fragment.charCodeAt(b - 1) & 0xfc00) === 0xd800) {
      this.strBuf = this.strBuf + this.strHigh + fragment.slice(a, b - 1);
      this.strHigh = fragment.charAt(b - 1);
    } else {
      this.strBuf = this.strHigh === '' ? this.strBuf + fragment.slice(a, b) : this.strBuf + this.strHigh + fragment.slice(a, b);
      this.strHigh = '';
    }
    if (!this.strIsKey) {
      this.dirty = true;
      this.strSynced = false;
    }
  }

  /** Appends one UTF-16 code unit from an escape, holding back a high surrogate. */
  private appendUnit(code: number): void {
    this.strPieces++;
    if ((code & 0xfc00) === 0xd800) {
      this.strBuf += this.strHigh;
      this.strHigh = String.fromCharCode(code);
    } else {
      this.strBuf += this.strHigh + String.fromCharCode(code);
      this.strHigh = '';
    }
    if (!this.strIsKey) {
      this.dirty = true;
      this.strSynced = false;
    }
  }
}
