import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJson } from '../src/json.js';

function where(text: string): string {
  try {
    parseJson(text, 'f.json');
  } catch (e) {
    expect(e).toBeInstanceOf(JsonSyntaxError);
    return (e as Error).message;
  }
  return 'parsed';
}

describe('parseJson', () => {
  it('parses what JSON.parse parses', () => {
    expect(parseJson('{"a": [1, 2.5e3, "x\\u00e9", true, null]}', 'f.json')).toEqual({ a: [1, 2500, 'xé', true, null] });
  });

  it('names line and column of the first error, whatever the error', () => {
    expect(where('{"a":}')).toBe('f.json:1:6: expected a value, found "}"');
    expect(where('{\n  "a": 1,\n}')).toBe('f.json:3:1: a trailing comma before }');
    expect(where('[1,\n 2,]')).toBe('f.json:2:4: a trailing comma before ]');
    expect(where('{"a" 1}')).toBe('f.json:1:6: expected \':\' after the property name, found "1"');
    expect(where('{\'a\': 1}')).toBe('f.json:1:2: expected a property name in double quotes, found "\'"');
    expect(where('{"a": 1')).toBe("f.json:1:8: expected ',' or '}' after a property value, found the end of the file");
    expect(where('')).toBe('f.json:1:1: expected a value, found the end of the file');
    expect(where('{"a": "x\ny"}')).toBe('f.json:1:9: a control character inside a string (write it as \\n, \\t, ...)');
    expect(where('{"a": tru}')).toBe('f.json:1:7: expected a value, found "t"');
    expect(where('[1] [2]')).toBe('f.json:1:5: unexpected "[" after the end of the JSON value');
    expect(where('{"a": "\\q"}')).toBe('f.json:1:8: a bad escape in a string');
    expect(where('[01]')).toBe("f.json:1:3: expected ',' or ']' after an array element, found \"1\"");
  });
});
