// Bounded echoes of the user's input in messages: a 200 KB scalar must not be printed whole.

/** Characters of a value shown in a message before it is cut. */
export const EXCERPT_LENGTH = 80;

/** The text itself when short, else its start, an ellipsis and how long it really is. */
export function excerpt(text: string, limit = EXCERPT_LENGTH): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}… (${text.length} characters)`;
}

/** The text as a JSON string literal, cut like `excerpt` (the length note outside the quotes). */
export function quoted(text: string, limit = EXCERPT_LENGTH): string {
  if (text.length <= limit) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, limit))}… (${text.length} characters)`;
}

/** `the string "x"`, `a map`, `number 3`: what a value is, for "must be …, got …" messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `the timestamp ${value.toISOString()}`;
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string ${quoted(value)}`;
  return `${typeof value} ${excerpt(String(value))}`;
}
