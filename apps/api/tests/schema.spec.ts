// The committed SDL (apps/api/schema.graphql) is the printed schema: a change to the schema must
// come with `npx nx run api:print-schema` and a reviewed diff.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printApiSchema } from '../src/graphql/schema';

describe('schema.graphql', () => {
  it('matches the schema the code builds (run `npx nx run api:print-schema` after a change)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(printApiSchema()).toBe(committed);
  });

  it('has the capabilities automation relies on', () => {
    const sdl = printApiSchema();
    for (const field of [
      'stabilityReport(',
      'changesSince(',
      'stateAsOf(',
      'addressHistory(',
      'auditChain(',
      'exports(',
      'assignmentChanged(',
    ]) {
      expect(sdl).toContain(field);
    }
  });
});
