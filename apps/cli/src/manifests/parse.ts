// Parsing one file's text into documents (JSON is YAML too), with the limits that keep hostile
// input from crashing or stalling the CLI: nesting depth is measured without recursion before
// anything recursive runs, duplicate keys are found with a hash set per map (linear, and the same
// rule for JSON and YAML), aliases are bounded, and every failure names the document.
import { createScanner, type SyntaxKind } from 'jsonc-parser';
import {
  Composer,
  type CST,
  Document,
  isMap,
  isScalar,
  LineCounter,
  Parser,
  type ScalarTag,
  visit,
  type Scalar,
} from 'yaml';
import type { DecodeProblem, SourceDocument } from './decode';
import { describeValue, excerpt, quoted } from './excerpt';

/** Deeper than any Kubernetes object; far below what the recursive steps after it can take. */
export const MAX_NESTING_DEPTH = 1000;
/** Alias expansions per document (yaml's resource-exhaustion guard against "billion laughs"). */
const MAX_ALIAS_COUNT = 1000;

export interface ParseResult {
  documents: SourceDocument[];
  problems: DecodeProblem[];
  /** Not errors: values kubectl (a YAML 1.1 reader) would read differently. */
  warnings: DecodeProblem[];
}

const SYNTAX_HINT =
  'fix the YAML (indentation, quoting, a missing colon) or validate the file with a YAML linter';

function tooDeep(source: string, index: number): DecodeProblem {
  return {
    source,
    location: `document ${index}`,
    message: `nested more than ${MAX_NESTING_DEPTH} levels deep`,
    hint: 'Kubernetes objects are a few levels deep: this is not a manifest (or it is generated wrongly)',
  };
}

function duplicateKey(source: string, index: number, key: string, line: number, col: number): DecodeProblem {
  return {
    source,
    location: `document ${index}`,
    message: `duplicate key ${quoted(key)} at line ${line}, column ${col}`,
    hint: 'a key may appear once per map: remove or merge the repeated one',
  };
}

/** jsonc-parser's token kinds (declared as a const enum, which this build cannot import). */
const Token = {
  openBrace: 1 as SyntaxKind,
  closeBrace: 2 as SyntaxKind,
  openBracket: 3 as SyntaxKind,
  closeBracket: 4 as SyntaxKind,
  comma: 5 as SyntaxKind,
  string: 10 as SyntaxKind,
  eof: 17 as SyntaxKind,
} as const;

/**
 * Depth and duplicate keys of valid JSON in one pass over jsonc-parser's tokens, with an explicit
 * stack (a recursive walk overflows on deep input). Returns the first problem, if any.
 */
function checkJson(source: string, text: string): DecodeProblem | undefined {
  const scanner = createScanner(text, true);
  // One frame per open container: the keys seen so far (objects), or null (arrays).
  const frames: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let kind = scanner.scan(); kind !== Token.eof; kind = scanner.scan()) {
    switch (kind) {
      case Token.openBrace:
      case Token.openBracket:
        frames.push(kind === Token.openBrace ? new Set() : null);
        if (frames.length > MAX_NESTING_DEPTH) return tooDeep(source, 1);
        expectKey = kind === Token.openBrace;
        break;
      case Token.closeBrace:
      case Token.closeBracket:
        frames.pop();
        expectKey = false;
        break;
      case Token.comma:
        expectKey = frames.at(-1) instanceof Set;
        break;
      case Token.string: {
        const keys = frames.at(-1);
        if (expectKey && keys instanceof Set) {
          const key = scanner.getTokenValue();
          if (keys.has(key)) {
            const [line, col] = [scanner.getTokenStartLine() + 1, scanner.getTokenStartCharacter() + 1];
            return duplicateKey(source, 1, key, line, col);
          }
          keys.add(key);
        }
        expectKey = false;
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

/** Collections nested inside a CST token, counted with an explicit stack. */
function cstDepth(root: CST.Token, limit: number): number {
  let deepest = 0;
  const stack: Array<{ token: CST.Token; depth: number }> = [{ token: root, depth: 0 }];
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token.type === 'document') {
      if (token.value) stack.push({ token: token.value, depth });
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection')
      continue;
    const inner = depth + 1;
    deepest = Math.max(deepest, inner);
    if (deepest > limit) return deepest;
    for (const item of token.items) {
      if ('key' in item && item.key) stack.push({ token: item.key, depth: inner });
      if (item.value) stack.push({ token: item.value, depth: inner });
    }
  }
  return deepest;
}

/** Depth of a JavaScript value (aliases can nest an anchored subtree many times). */
function valueDepth(root: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    const inner = depth + 1;
    deepest = Math.max(deepest, inner);
    if (deepest > limit) return deepest;
    for (const item of Array.isArray(value) ? value : Object.values(value))
      stack.push({ value: item, depth: inner });
  }
  return deepest;
}

const yaml11Tags = (new Document(null, { version: '1.1' }).schema.tags as ScalarTag[]).filter(
  (tag) => tag.default === true && tag.test,
);

/** How a YAML 1.1 reader (kubectl, via go-yaml) resolves a plain scalar. */
function yaml11Value(text: string): unknown {
  const tag = yaml11Tags.find((candidate) => candidate.test!.test(text));
  const value: unknown = tag ? tag.resolve(text, () => undefined, {}) : text;
  return isScalar(value) ? value.value : value; // the 1.1 booleans resolve to Scalar nodes
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return false;
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b) && typeof a === typeof b;
  return Object.is(a, b) || (typeof a === 'number' && a === b);
}

/** Map keys as JavaScript reads them: `1` and "1" are one key, as they are in the JSON kubectl sends. */
function keyText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function parseYaml(source: string, text: string): ParseResult {
  const result: ParseResult = { documents: [], problems: [], warnings: [] };
  const lines = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, col };
  };
  const parser = new Parser(lines.addNewLine);
  // uniqueKeys off: yaml's own check compares every key with every other (quadratic); ours is a set.
  const composer = new Composer({ uniqueKeys: false });
  const deepDocuments = new Set<number>();
  let parsedCount = 0;
  let composedCount = 0;

  const accept = (document: Document.Parsed) => {
    const index = ++composedCount;
    let failed = false;
    const problem = (message: string, hint = SYNTAX_HINT) => {
      failed = true;
      result.problems.push({ source, location: `document ${index}`, message, hint });
    };
    if (deepDocuments.has(index)) {
      result.problems.push(tooDeep(source, index));
      return;
    }
    const error = document.errors[0]; // the errors after the first are usually its consequences
    if (error) {
      const { line, col } = at(error.pos[0]);
      const detail = excerpt((error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''));
      problem(`YAML syntax error at line ${line}, column ${col}: ${detail}`);
      return;
    }
    let duplicate: DecodeProblem | undefined;
    visit(document, {
      Map: (_key, map) => {
        const seen = new Set<string>();
        for (const pair of map.items) {
          const key = pair.key;
          if (!isScalar(key)) {
            const offset = (key as { range?: [number] } | null)?.range?.[0] ?? map.range?.[0] ?? 0;
            const { line, col } = at(offset);
            problem(
              `a map key at line ${line}, column ${col} is a ${isMap(key) ? 'map' : 'list'}, not a string`,
              'Kubernetes objects have string keys only',
            );
            return visit.BREAK;
          }
          const text = keyText(key.value);
          if (seen.has(text)) {
            const { line, col } = at(key.range?.[0] ?? 0);
            duplicate = duplicateKey(source, index, text, line, col);
            return visit.BREAK;
          }
          seen.add(text);
        }
        return undefined;
      },
      Scalar: (_key, scalar: Scalar) => {
        if (scalar.type !== 'PLAIN' || typeof scalar.source !== 'string') return;
        const old = yaml11Value(scalar.source);
        if (sameValue(old, scalar.value)) return;
        const { line, col } = at(scalar.range?.[0] ?? 0);
        result.warnings.push({
          source,
          location: `document ${index}`,
          message: `line ${line}, column ${col}: ${excerpt(scalar.source)} is read as ${describeValue(scalar.value)} here (YAML 1.2), but kubectl reads YAML 1.1 and sends ${describeValue(old)}`,
          hint: `write it so YAML 1.1 and 1.2 agree: quote a string (${quoted(scalar.source)}), drop leading zeros of a number, use true or false`,
        });
      },
    });
    if (failed) return;
    if (duplicate) {
      result.problems.push(duplicate);
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (failure) {
      // An alias to an undefined anchor, or more expansions than allowed (an alias bomb).
      const message = failure instanceof Error ? failure.message : String(failure);
      problem(
        `cannot expand the document's aliases: ${excerpt(message)}`,
        `define each &anchor before its *alias and use at most ${MAX_ALIAS_COUNT} aliases per document`,
      );
      return;
    }
    if (valueDepth(value, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) {
      result.problems.push(tooDeep(source, index));
      return;
    }
    result.documents.push({ source, index, value });
  };

  for (const token of parser.parse(text)) {
    if (token.type === 'document') {
      parsedCount += 1;
      if (cstDepth(token, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) {
        // Composing it would recurse once per level: compose an empty document in its place.
        deepDocuments.add(parsedCount);
        delete token.value;
      }
    }
    for (const document of composer.next(token)) accept(document);
  }
  for (const document of composer.end()) accept(document);
  return result;
}

/** Parses one file's text into its documents; problems carry the document and line. */
export function parseManifestText(source: string, text: string): ParseResult {
  // JSON.parse is an order of magnitude faster than the YAML parser on big dumps (kubectl get -o
  // json); on a JSON syntax error the YAML parser runs anyway and reports line and column.
  if (/^\s*[{[]/.test(text)) {
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(text) as unknown; // own `__proto__` keys stay data, never a prototype
      parsed = true;
    } catch {
      // fall through to the YAML parser
    }
    if (parsed) {
      const problem = checkJson(source, text);
      if (problem) return { documents: [], problems: [problem], warnings: [] };
      return { documents: [{ source, index: 1, value }], problems: [], warnings: [] };
    }
  }
  return parseYaml(source, text);
}
