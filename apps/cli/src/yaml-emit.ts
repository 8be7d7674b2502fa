// A small YAML emitter for JSON data (what `plan` prints), in kubectl's block style: sequences at
// their key's indent, no line folding, no anchors. It exists for speed: the `yaml` library's
// document model takes seconds to print a plan of 20,000 objects, this takes milliseconds.
// Strings are left plain only when every YAML 1.2 and 1.1 reader sees the same string (no
// booleans, nulls, numbers, sexagesimals, indicators or comments); anything else is written as a
// JSON string, which is a valid YAML double-quoted scalar. Round trips are tested against `yaml`.

const reserved =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|=|<<)$/;
/** Characters allowed in a plain scalar here (a strict subset of YAML's). */
const plainChars = /^[A-Za-z0-9_./][A-Za-z0-9 _./@:+-]*$/;
/** Anything a YAML 1.1 or 1.2 reader might take for a number (ints, floats, octal, sexagesimal). */
const numberLike =
  /^[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]*(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF|nan|NaN|NAN)|0[xXoObB][0-9a-fA-F_]+)$/;
/** YAML 1.1 floats may omit the mantissa entirely: `E0`, `e+5` and `.e1` read as numbers there. */
const exponentOnly = /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/;

function isPlainSafe(text: string): boolean {
  if (!plainChars.test(text) || reserved.test(text) || numberLike.test(text) || exponentOnly.test(text))
    return false;
  // `: ` starts a mapping value and a trailing `:` or space is ambiguous; ` #` starts a comment.
  return !text.includes(': ') && !text.endsWith(':') && !text.endsWith(' ') && !text.includes(' #');
}

export function yamlScalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan';
  return isPlainSafe(value) ? value : JSON.stringify(value);
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

const pads: string[] = [];
function pad(indent: number): string {
  return (pads[indent] ??= ' '.repeat(indent));
}

function isObject(value: unknown): value is Record<string, Json | undefined> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyObject(value: Record<string, Json | undefined>): boolean {
  for (const key in value) if (value[key] !== undefined) return false;
  return true;
}

/** A value after `key:` or `- `: inline when scalar or empty, else undefined (nested lines). */
function inlineOrNested(value: Json): string | undefined {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
  if (isObject(value)) return isEmptyObject(value) ? '{}' : undefined;
  return yamlScalar(value);
}

/**
 * Appends a non-empty mapping or sequence at `indent`. `first` replaces the indentation of the
 * first line: a sequence item writes its dash there (`- key: value`) instead of building the item
 * apart and splicing the dash in.
 */
function emitNested(value: Json, indent: number, out: string[], first = pad(indent)): void {
  let prefix = first;
  if (Array.isArray(value)) {
    for (const item of value) {
      const inline = inlineOrNested(item);
      if (inline !== undefined) out.push(`${prefix}- ${inline}\n`);
      else emitNested(item, indent + 2, out, `${prefix}- `);
      prefix = pad(indent);
    }
    return;
  }
  const mapping = value as Record<string, Json | undefined>;
  for (const key in mapping) {
    const item = mapping[key];
    if (item === undefined) continue;
    const inline = inlineOrNested(item);
    if (inline !== undefined) {
      out.push(`${prefix}${yamlScalar(key)}: ${inline}\n`);
    } else {
      out.push(`${prefix}${yamlScalar(key)}:\n`);
      // kubectl style: a sequence sits at its key's indent, a mapping one level deeper.
      emitNested(item, Array.isArray(item) ? indent : indent + 2, out);
    }
    prefix = pad(indent);
  }
}

/** YAML text of a JSON value (a mapping or a sequence at the top level, or a scalar line). */
export function toYaml(value: unknown): string {
  const json = value as Json;
  const inline = inlineOrNested(json);
  if (inline !== undefined) return `${inline}\n`;
  const out: string[] = [];
  emitNested(json, 0, out);
  return out.join('');
}
