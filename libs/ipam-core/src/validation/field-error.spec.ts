import { describe, expect, it } from 'vitest';
import { FieldPath, errorBody, errorText, goJSON, goQuote, invalid } from './field-error';

describe('goQuote (strconv.Quote)', () => {
  it.each([
    ['plain', 'abc', '"abc"'],
    ['empty', '', '""'],
    ['quote and backslash', 'a"b\\c', '"a\\"b\\\\c"'],
    ['named escapes', '\x07\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['other control characters as \\x', '\x00\x1f\x7f', '"\\x00\\x1f\\x7f"'],
    ['printable unicode kept', 'héllo 世界', '"héllo 世界"'],
    ['non-printable unicode as \\u', '\u00ad\u00a0', '"\\u00ad\\u00a0"'],
    ['astral printable kept', '😀', '"😀"'],
    ['astral non-printable as \\U', '\u{e0001}', '"\\U000e0001"'],
    ['html characters untouched', '<a&b>', '"<a&b>"'],
  ])('%s', (_name, input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });
});

describe('goJSON (encoding/json)', () => {
  it.each([
    ['string', 'x', '"x"'],
    ['html-escaped string', '<a&b>', '"\\u003ca\\u0026b\\u003e"'],
    ['control characters', '\n\t\b\f\x01', '"\\n\\t\\b\\f\\u0001"'],
    ['line separators', '\u2028\u2029', '"\\u2028\\u2029"'],
    ['DEL kept', '\x7f', '"\x7f"'],
    ['null', null, 'null'],
    ['number', 42, '42'],
    ['struct in insertion order', { kind: 'IPPool', name: 'p' }, '{"kind":"IPPool","name":"p"}'],
    ['undefined fields omitted', { name: 'p', namespace: undefined }, '{"name":"p"}'],
    ['array', ['a', 1], '["a",1]'],
  ])('%s', (_name, input, expected) => {
    expect(goJSON(input)).toBe(expected);
  });
});

describe('FieldPath (field.Path.String)', () => {
  it.each([
    [FieldPath.of('spec', 'gateway'), 'spec.gateway'],
    [FieldPath.of('spec', 'pools').index(2).child('dnsServers').index(0), 'spec.pools[2].dnsServers[0]'],
    [FieldPath.of('spec', 'preAllocations', 'node-0-pool'), 'spec.preAllocations.node-0-pool'],
    [FieldPath.of('spec', 'preAllocations', 'a.b'), 'spec.preAllocations.a.b'],
    [FieldPath.of('spec', 'preAllocations', ''), 'spec.preAllocations'],
  ])('%s', (path, expected) => {
    expect(path.toString()).toBe(expected);
  });
});

describe('errorBody / errorText', () => {
  it.each([
    [
      'Go string values are %q-quoted',
      invalid('spec.namePrefix', 'a\tb', 'quoted', 'cannot be modified'),
      'Invalid value: "a\\tb": cannot be modified',
    ],
    [
      'other types are JSON',
      invalid('spec.gateway', '<x>', 'json', 'is not a valid IP address'),
      'Invalid value: "\\u003cx\\u003e": is not a valid IP address',
    ],
    [
      'structs are JSON objects',
      invalid('spec.pool', { namespace: 'ns', name: 'p' }, 'json', 'cannot be modified'),
      'Invalid value: {"namespace":"ns","name":"p"}: cannot be modified',
    ],
    ['no detail', invalid('spec.x', 'v', 'quoted', ''), 'Invalid value: "v"'],
  ])('%s', (_name, error, expected) => {
    expect(errorBody(error)).toBe(expected);
    expect(errorText(error)).toBe(`${error.field}: ${expected}`);
  });
});
