import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { decodeDocuments, formatProblem } from './decode';
import { MAX_NESTING_DEPTH, parseManifestText } from './parse';

const claim = (metadata: string) =>
  `apiVersion: ipam.metal3.io/v1alpha1\nkind: IPClaim\nmetadata:\n${metadata}\nspec:\n  pool:\n    name: p\n`;

describe('parseManifestText', () => {
  it('splits multi-document YAML and reads JSON', () => {
    expect(parseManifestText('a.yaml', 'a: 1\n---\nb: 2\n').documents.map((d) => [d.index, d.value])).toEqual(
      [
        [1, { a: 1 }],
        [2, { b: 2 }],
      ],
    );
    expect(parseManifestText('a.json', '{"kind": "List", "items": []}').documents[0]?.value).toEqual({
      kind: 'List',
      items: [],
    });
  });

  it('reports the first syntax error of a document with its line and column', () => {
    const { problems, documents } = parseManifestText('a.yaml', 'a: 1\n---\nx: 1\n  y: 2\n');
    expect(documents).toHaveLength(1);
    expect(problems).toEqual([
      expect.objectContaining({
        source: 'a.yaml',
        location: 'document 2',
        message: 'YAML syntax error at line 3, column 4: Nested mappings are not allowed in compact mappings',
      }),
    ]);
  });

  it('reports duplicate keys the same way in YAML and JSON', () => {
    const yaml = parseManifestText('a.yaml', 'a: 1\n---\nx: 1\nx: 2\n');
    expect(yaml.documents).toHaveLength(1);
    expect(yaml.problems).toEqual([
      expect.objectContaining({ location: 'document 2', message: 'duplicate key "x" at line 4, column 1' }),
    ]);
    const json = parseManifestText('a.json', '{"m": {"x": 1,\n "x": 2}}');
    expect(json.documents).toEqual([]);
    expect(json.problems).toEqual([
      expect.objectContaining({ location: 'document 1', message: 'duplicate key "x" at line 2, column 2' }),
    ]);
    // Keys that JavaScript (and the JSON kubectl sends) read as one key are duplicates too.
    expect(parseManifestText('a.yaml', '1: a\n"1": b\n').problems[0]?.message).toMatch(/duplicate key "1"/);
    expect(parseManifestText('a.json', '{"\\u0078": 1, "x": 2}').problems[0]?.message).toMatch(
      /duplicate key "x"/,
    );
  });

  it('checks duplicate keys in linear time: 100,000 preAllocations parse in one pass', () => {
    const entries = Array.from(
      { length: 100_000 },
      (_, i) => `    host-${i}-pool: 10.0.${i >> 8}.${i & 255}`,
    );
    const text = `kind: IPPool\nspec:\n  preAllocations:\n${entries.join('\n')}\n`;
    const { documents, problems } = parseManifestText('big.yaml', text);
    expect(problems).toEqual([]);
    const value = documents[0]?.value as { spec: { preAllocations: Record<string, string> } };
    expect(Object.keys(value.spec.preAllocations)).toHaveLength(100_000);
  });

  it.each([
    ['flow YAML', 'a: ' + '['.repeat(100_000) + ']'.repeat(100_000)],
    ['JSON', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['JSON objects', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
    ['block YAML', Array.from({ length: MAX_NESTING_DEPTH + 5 }, (_, i) => `${'  '.repeat(i)}k:`).join('\n')],
  ])('refuses %s nested 100,000 levels deep, naming the document', (_name, text) => {
    const { documents, problems } = parseManifestText('deep', `${text}\n`);
    expect(documents).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({
        source: 'deep',
        location: 'document 1',
        message: `nested more than ${MAX_NESTING_DEPTH} levels deep`,
      }),
    ]);
  });

  it('refuses depth built from aliases', () => {
    const deep = '['.repeat(600) + ']'.repeat(600);
    const around = (inner: string) => `${'['.repeat(450)}${inner}${']'.repeat(450)}`;
    const { problems } = parseManifestText('a.yaml', `a: &a ${deep}\nb: ${around('*a')}\n`);
    expect(problems[0]?.message).toBe(`nested more than ${MAX_NESTING_DEPTH} levels deep`);
  });

  it('refuses an alias bomb and an undefined alias as bad input of that document', () => {
    let bomb = 'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    let previous = 'a';
    for (const name of 'bcdefghi') {
      bomb += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]\n`;
      previous = name;
    }
    const bombed = parseManifestText('bomb.yaml', `a: 1\n---\n${bomb}`);
    expect(bombed.documents).toHaveLength(1);
    expect(bombed.problems).toEqual([
      expect.objectContaining({
        source: 'bomb.yaml',
        location: 'document 2',
        message: expect.stringMatching(/^cannot expand the document's aliases: /),
      }),
    ]);
    const undefinedAlias = parseManifestText('a.yaml', 'apiVersion: v1\nkind: *nope\n');
    expect(undefinedAlias.problems).toEqual([
      expect.objectContaining({ location: 'document 1', message: expect.stringMatching(/nope/) }),
    ]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'keeps a %s key as data: the namespace is not inherited from it',
    (key) => {
      for (const text of [
        claim(`  name: c\n  ${key}:\n    namespace: evil`),
        JSON.stringify({
          apiVersion: 'ipam.metal3.io/v1alpha1',
          kind: 'IPClaim',
          metadata: JSON.parse(`{"name": "c", "${key}": {"namespace": "evil"}}`) as unknown,
          spec: { pool: { name: 'p' } },
        }),
      ]) {
        const { documents } = parseManifestText('a', text);
        const { objects, problems } = decodeDocuments(documents);
        expect(problems).toEqual([]);
        expect(objects[0]?.object.metadata.namespace).toBe('default');
        expect(Object.getPrototypeOf(objects[0]?.object.metadata)).toBe(Object.prototype);
      }
    },
  );

  it('warns when kubectl (YAML 1.1) would send another value', () => {
    const { warnings, documents } = parseManifestText(
      'p.yaml',
      'spec:\n  prefix: 024\n  on: yes\n  plain: 24\n  quoted: "024"\n',
    );
    expect((documents[0]?.value as { spec: { prefix: number } }).spec.prefix).toBe(24);
    expect(warnings.map((w) => w.message)).toEqual([
      'line 2, column 11: 024 is read as number 24 here (YAML 1.2), but kubectl reads YAML 1.1 and sends number 20',
      'line 3, column 3: on is read as the string "on" here (YAML 1.2), but kubectl reads YAML 1.1 and sends boolean true',
      'line 3, column 7: yes is read as the string "yes" here (YAML 1.2), but kubectl reads YAML 1.1 and sends boolean true',
    ]);
  });

  it('echoes at most a bounded excerpt of a huge scalar', () => {
    const name = 'x'.repeat(200_000);
    const { documents } = parseManifestText('a.yaml', claim(`  name: ${name}\n  namespace: [1]`));
    const { problems } = decodeDocuments(documents);
    const message = formatProblem(problems[0]!);
    expect(message).toContain('… (200000 characters)');
    expect(message.length).toBeLessThan(400);
  });
});

describe('parseManifestText on arbitrary input (property)', () => {
  const bounded = { numRuns: 300 };

  it('never throws, and every problem names its source, document and stays short', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc
        .array(
          fc.constantFrom(
            'a',
            ':',
            ' ',
            '\n',
            '-',
            '[',
            ']',
            '{',
            '}',
            '&x',
            '*x',
            '"',
            "'",
            '#',
            '---',
            '?',
          ),
          {
            maxLength: 120,
          },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(text, (input) => {
        const { documents, problems } = parseManifestText('in.yaml', input);
        const decoded = decodeDocuments(documents);
        for (const problem of [...problems, ...decoded.problems]) {
          expect(problem.source).toBe('in.yaml');
          expect(problem.location).toMatch(/^document \d+/);
          expect(formatProblem(problem).length).toBeLessThan(2_000);
        }
      }),
      bounded,
    );
  });

  it('reads any JSON value the same whether written as JSON or as YAML', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const fromJson = parseManifestText('a.json', JSON.stringify(value));
        const fromYaml = parseManifestText('a.yaml', stringify(value));
        expect(fromJson.problems).toEqual([]);
        expect(fromYaml.problems).toEqual([]);
        expect(fromYaml.documents[0]?.value ?? null).toEqual(fromJson.documents[0]?.value);
      }),
      bounded,
    );
  });

  it('finds a repeated key whether the map is JSON or YAML', () => {
    const key = fc.string({ minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 6 }), fc.nat(), (keys, pick) => {
        const repeated = keys[pick % keys.length]!;
        const pairs = [...keys, repeated].map((k, i) => [k, i] as const);
        const json = `{${pairs.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`;
        const yaml = pairs.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join('\n');
        for (const [source, text] of [
          ['a.json', json],
          ['a.yaml', yaml],
        ] as const) {
          const { problems, documents } = parseManifestText(source, text);
          expect(documents).toEqual([]);
          expect(problems[0]?.message).toMatch(/^duplicate key /);
        }
      }),
      bounded,
    );
  });
});
