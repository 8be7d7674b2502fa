import { describe, expect, it } from 'vitest';
import { goMissingMessage, nxProgress, parseGoVersion } from './toolchain';

describe('parseGoVersion', () => {
  it.each([
    ['go version go1.26.8 linux/amd64', { ok: true, version: '1.26' }],
    ['go version go1.24.0 linux/amd64', { ok: true, version: '1.24' }],
    ['go version go1.22.2 linux/amd64', { ok: false, reason: 'too-old', version: '1.22' }],
    ['go version go2.0 linux/amd64', { ok: true, version: '2.0' }],
    ['', { ok: false, reason: 'missing' }],
  ])('%s', (output, expected) => expect(parseGoVersion(output)).toEqual(expected));

  it('says what to install and how to run without Go', () => {
    const message = goMissingMessage({ ok: false, reason: 'missing' });
    expect(message).toContain('Go >= 1.24');
    expect(message).toContain('https://go.dev/dl/');
    expect(message).toContain('--kubeconfig');
  });
});

describe('nxProgress', () => {
  it.each([
    ['> nx run api:build', 'nx run api:build'],
    [
      '> nx run kube-testenv:build  [existing outputs match the cache, left as is]',
      'nx run kube-testenv:build',
    ],
    ['random output', undefined],
  ])('%s', (line, text) => expect(nxProgress(line)).toBe(text));
});
