import { describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticate';
import { parseTokenEntries, sha256Hex, StaticTokens } from './tokens';

const hash = sha256Hex('s3cret');

describe('parseTokenEntries', () => {
  it.each([
    ['', []],
    [`dns:reader:${hash}`, [{ name: 'dns', role: 'reader', sha256: hash }]],
    [
      `# comment\ndns:reader:${hash.toUpperCase()},ops:admin:${'a'.repeat(64)}`,
      [
        { name: 'dns', role: 'reader', sha256: hash },
        { name: 'ops', role: 'admin', sha256: 'a'.repeat(64) },
      ],
    ],
    [
      JSON.stringify([{ name: 'dns', role: 'admin', sha256: hash }]),
      [{ name: 'dns', role: 'admin', sha256: hash }],
    ],
  ])('parses %j', (text, expected) => {
    expect(parseTokenEntries(text)).toEqual(expected);
  });

  it.each([
    [`dns:root:${hash}`, /role must be one of reader, admin/],
    ['dns:reader:abc', /sha256 must be 64 hex digits/],
    [`:reader:${hash}`, /a name is required/],
    [`dns:reader:${hash}:x`, /too many fields/],
    [`dns:reader:${hash}\ndns:admin:${hash}`, /used twice/],
  ])('rejects %j', (text, message) => {
    expect(() => parseTokenEntries(text)).toThrow(message);
  });
});

describe('authenticator', () => {
  const tokens = new StaticTokens(parseTokenEntries(`dns:reader:${hash}`));
  const authenticator = createAuthenticator({ tokens });

  it.each([
    [undefined, 'UNAUTHENTICATED'],
    ['Bearer', 'UNAUTHENTICATED'],
    ['Bearer wrong', 'UNAUTHENTICATED'],
    ['Token s3cret', 'UNAUTHENTICATED'],
  ])('%j → %s', async (header, code) => {
    await expect(authenticator.authenticate(header)).rejects.toMatchObject({ code });
  });

  it('accepts the token whose hash is configured', async () => {
    await expect(authenticator.authenticate('Bearer s3cret')).resolves.toEqual({
      name: 'dns',
      role: 'reader',
      via: 'token',
    });
    await expect(authenticator.authenticate('bearer   s3cret')).resolves.toMatchObject({ name: 'dns' });
  });

  it('lets anonymous requests through only when configured', async () => {
    const open = createAuthenticator({
      tokens,
      anonymous: { name: 'anonymous', role: 'reader', via: 'anonymous' },
    });
    await expect(open.authenticate(undefined)).resolves.toMatchObject({ role: 'reader' });
    await expect(open.authenticate('Bearer wrong')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
