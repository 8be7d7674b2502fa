// Static bearer tokens from configuration, stored as SHA-256 hashes: the configuration holds no
// secret that would let its reader call the API.
import { createHash } from 'node:crypto';
import { ApiError } from '../errors';
import { ROLES, type Principal, type Role } from './principal';

export interface TokenEntry {
  name: string;
  role: Role;
  /** Lower-case hex SHA-256 of the token. */
  sha256: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Parses `name:role:sha256` entries separated by commas or newlines (the STABLEIP_API_TOKENS
 * format) or a JSON array of {name, role, sha256} (the --tokens-file format).
 */
export function parseTokenEntries(text: string): TokenEntry[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const raw: unknown[] = trimmed.startsWith('[')
    ? (JSON.parse(trimmed) as unknown[])
    : trimmed.split(/[\n,]+/).flatMap((line) => {
        const entry = line.trim();
        if (entry === '' || entry.startsWith('#')) return [];
        const [name, role, sha256, ...rest] = entry.split(':');
        if (rest.length > 0)
          throw new ApiError('BAD_USER_INPUT', `token entry "${name}" has too many fields`);
        return [{ name, role, sha256 }];
      });
  const entries = raw.map((value, index): TokenEntry => {
    const entry = value as Partial<TokenEntry>;
    const label = entry.name ?? `#${index + 1}`;
    if (typeof entry.name !== 'string' || entry.name === '') {
      throw new ApiError('BAD_USER_INPUT', `token ${label}: a name is required`);
    }
    if (!ROLES.includes(entry.role as Role)) {
      throw new ApiError('BAD_USER_INPUT', `token ${label}: role must be one of ${ROLES.join(', ')}`);
    }
    if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(entry.sha256)) {
      throw new ApiError('BAD_USER_INPUT', `token ${label}: sha256 must be 64 hex digits`);
    }
    return { name: entry.name, role: entry.role as Role, sha256: entry.sha256.toLowerCase() };
  });
  const names = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name))
      throw new ApiError('BAD_USER_INPUT', `token name "${entry.name}" is used twice`);
    names.add(entry.name);
  }
  return entries;
}

export class StaticTokens {
  private readonly byHash: Map<string, TokenEntry>;

  constructor(entries: readonly TokenEntry[]) {
    this.byHash = new Map(entries.map((entry) => [entry.sha256, entry]));
  }

  get size(): number {
    return this.byHash.size;
  }

  /** The principal of a presented token, or undefined. Looks up the token's hash, never the token. */
  authenticate(token: string): Principal | undefined {
    const entry = this.byHash.get(sha256Hex(token));
    return entry ? { name: entry.name, role: entry.role, via: 'token' } : undefined;
  }
}
