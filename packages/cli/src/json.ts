// JSON files with errors a person can find: file:line:column and what was expected. JSON.parse
// does the parsing; only when it fails does a small scanner walk the text to the first error,
// since V8's messages differ across Node versions and some name no position at all.

export class JsonSyntaxError extends Error {
  constructor(readonly file: string, readonly line: number, readonly column: number, readonly reason: string) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Parses `text` (read from `file`); a syntax error becomes a JsonSyntaxError with its place. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const { at, reason } = firstError(text);
    const before = text.slice(0, at).split('\n');
    throw new JsonSyntaxError(file, before.length, before[before.length - 1]!.length + 1, reason);
  }
}

interface Found {
  at: number;
  reason: string;
}

/** The offset and description of the first syntax error in `s` (which JSON.parse rejected). */
export function firstError(s: string): Found {
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw { at, reason } satisfies Found;
  };
  const show = () => (i >= s.length ? 'the end of the file' : `${JSON.stringify(s[i])}`);
  const ws = () => {
    while (i < s.length && ' \t\n\r'.includes(s[i]!)) i++;
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= s.length) fail('unterminated string');
      const c = s.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail('a control character inside a string (write it as \\n, \\t, ...)');
      if (c === 0x5c) {
        const e = s[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) fail('a bad \\u escape');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          fail('a bad escape in a string');
        }
      } else {
        i++;
      }
    }
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      ws();
      if (s[i] === '}') return void i++;
      for (;;) {
        ws();
        if (s[i] !== '"') fail(`expected a property name in double quotes, found ${show()}`);
        string();
        ws();
        if (s[i] !== ':') fail(`expected ':' after the property name, found ${show()}`);
        i++;
        value();
        ws();
        if (s[i] === ',') {
          i++;
          ws();
          if (s[i] === '}') fail('a trailing comma before }');
          continue;
        }
        if (s[i] === '}') return void i++;
        fail(`expected ',' or '}' after a property value, found ${show()}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (s[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (s[i] === ',') {
          i++;
          ws();
          if (s[i] === ']') fail('a trailing comma before ]');
          continue;
        }
        if (s[i] === ']') return void i++;
        fail(`expected ',' or ']' after an array element, found ${show()}`);
      }
    }
    if (c === '"') return string();
    const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(s.slice(i, i + 400));
    if (lit) return void (i += lit[0].length);
    fail(`expected a value, found ${show()}`);
  };
  try {
    value();
    ws();
    if (i < s.length) fail(`unexpected ${show()} after the end of the JSON value`);
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'reason' in e) return e as Found;
    throw e;
  }
  return { at: 0, reason: 'not valid JSON' };
}
