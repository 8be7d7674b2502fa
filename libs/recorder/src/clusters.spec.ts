import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseContextMapping, resolveClusterTargets } from './clusters';

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: { server: https://a.example:6443 }
- name: b
  cluster: { server: https://b.example:6443 }
users:
- name: u
  user: { token: t }
contexts:
- name: ctx-a
  context: { cluster: a, user: u }
- name: ctx-b
  context: { cluster: b, user: u }
current-context: ctx-a
`;

function kubeconfigFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'recorder-kc-')), 'config');
  writeFileSync(file, kubeconfig);
  return file;
}

describe('parseContextMapping', () => {
  it.each([
    { text: 'ctx=east', expected: { context: 'ctx', name: 'east' } },
    { text: 'ctx', expected: { context: 'ctx', name: 'ctx' } },
    { text: ' ctx = east ', expected: { context: 'ctx', name: 'east' } },
  ])('$text', ({ text, expected }) => expect(parseContextMapping(text)).toEqual(expected));
  it.each(['=east', 'ctx=', ''])('rejects "%s"', (text) => {
    expect(() => parseContextMapping(text)).toThrow(/invalid context mapping/);
  });
});

describe('resolveClusterTargets', () => {
  it('maps each context to a cluster name with its own current context', () => {
    const targets = resolveClusterTargets({
      kubeconfig: kubeconfigFile(),
      contexts: ['ctx-a=east', 'ctx-b=west'],
      env: {},
    });
    expect(targets.map((t) => [t.name, t.kubeConfig.getCurrentCluster()?.server])).toEqual([
      ['east', 'https://a.example:6443'],
      ['west', 'https://b.example:6443'],
    ]);
  });

  it('uses the current context under the given cluster name when no context is mapped', () => {
    const [target] = resolveClusterTargets({ kubeconfig: kubeconfigFile(), clusterName: 'lab', env: {} });
    expect(target?.name).toBe('lab');
    expect(target?.kubeConfig.getCurrentCluster()?.server).toBe('https://a.example:6443');
  });

  it.each([
    { contexts: ['nope=x'], message: 'kubeconfig has no context "nope" (have: ctx-a, ctx-b)' },
    { contexts: ['ctx-a=x', 'ctx-b=x'], message: 'cluster name "x" is mapped twice' },
  ])('rejects $contexts', ({ contexts, message }) => {
    expect(() => resolveClusterTargets({ kubeconfig: kubeconfigFile(), contexts, env: {} })).toThrow(message);
  });
});
