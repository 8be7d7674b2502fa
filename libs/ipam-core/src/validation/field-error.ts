// Field errors as k8s.io/apimachinery/pkg/util/validation/field renders them. Upstream's webhooks
// build every rejection with field.Invalid(path, value, detail); what users see is
// `<path>: Invalid value: <value>: <detail>`, where <value> depends on the Go type of the value:
// a plain Go `string` is printed with %q, any other type (IPAddressStr, AllocationStrategy,
// ObjectReference, pointers, ...) goes through encoding/json.

export type FieldErrorType = 'FieldValueInvalid';

/**
 * How apimachinery prints the bad value: `quoted` for values whose Go type is `string` (fmt %q),
 * `json` for every other type (json.Marshal). The webhooks mix both, so each error records which.
 */
export type ValueRendering = 'quoted' | 'json';

export interface FieldError {
  type: FieldErrorType;
  /** Dotted field path, e.g. `spec.pools[0].gateway`. */
  field: string;
  value: unknown;
  rendering: ValueRendering;
  detail: string;
}

export function invalid(
  field: string,
  value: unknown,
  rendering: ValueRendering,
  detail: string,
): FieldError {
  return { type: 'FieldValueInvalid', field, value, rendering, detail };
}

/** field.Path: names joined with `.`, indexes as `[i]` (an empty name adds nothing). */
export class FieldPath {
  private constructor(private readonly text: string) {}

  static of(...names: string[]): FieldPath {
    return names.reduce((path, name) => path.child(name), new FieldPath(''));
  }

  child(name: string): FieldPath {
    if (this.text === '' || name === '') return new FieldPath(this.text + name);
    return new FieldPath(`${this.text}.${name}`);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  toString(): string {
    return this.text;
  }
}

// ---- Go value formatting -----------------------------------------------------------------

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** strconv.Quote (what fmt %q does with a string). */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    switch (char) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (char === ' ' || printable.test(char)) {
      out += char;
    } else if (code < 0x20 || code === 0x7f) {
      out += `\\x${hex(code, 2)}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      // A lone surrogate cannot reach Go (JSON decoding turns it into U+FFFD, which is printable).
      out += '\ufffd';
    } else if (code < 0x10000) {
      out += `\\u${hex(code, 4)}`;
    } else {
      out += `\\U${hex(code, 8)}`;
    }
  }
  return `${out}"`;
}

/** A string as Go's encoding/json writes it (HTML-safe escaping, \b and \f short forms). */
function goJSONString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    switch (char) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
    }
    if (code < 0x20 || char === '<' || char === '>' || char === '&' || code === 0x2028 || code === 0x2029) {
      out += `\\u${hex(code, 4)}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += '\\ufffd';
    } else {
      out += char;
    }
  }
  return `${out}"`;
}

/**
 * json.Marshal of a value. Objects keep their insertion order (callers build Go structs in field
 * order); plain records standing for Go maps should be passed through `sortedRecord` first.
 */
export function goJSON(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJSONString(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(goJSON).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${goJSONString(k)}:${goJSON(v)}`).join(',')}}`;
  }
  return goJSONString(String(value));
}

/** field.Error.ErrorBody(): `Invalid value: <value>: <detail>`. */
export function errorBody(error: FieldError): string {
  const value = error.rendering === 'quoted' ? goQuote(String(error.value)) : goJSON(error.value);
  return error.detail === '' ? `Invalid value: ${value}` : `Invalid value: ${value}: ${error.detail}`;
}

/** field.Error.Error(): `<field>: <body>`. */
export function errorText(error: FieldError): string {
  return `${error.field}: ${errorBody(error)}`;
}
