import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { toSecretYaml } from './secret-yaml';

describe('toSecretYaml', () => {
  it('sorts keys, does not indent sequences and quotes YAML 1.1 ambiguities', () => {
    const text = toSecretYaml({
      services: [{ type: 'dns', address: '8.8.8.8' }],
      links: [],
      networks: [{ type: 'ipv4', routes: [], netmask: '255.255.255.0', ip_address: '10.0.0.5' }],
    });
    expect(text).toBe(
      [
        'links: []',
        'networks:',
        '- ip_address: 10.0.0.5',
        '  netmask: 255.255.255.0',
        '  routes: []',
        '  type: ipv4',
        'services:',
        '- address: 8.8.8.8',
        '  type: dns',
        '',
      ].join('\n'),
    );
  });

  it.each([['24'], ['yes'], ['on'], ['1e3'], ['0x1F']])('keeps %s a string for YAML 1.1 readers', (value) => {
    const text = toSecretYaml({ key: value });
    expect(YAML.parse(text, { version: '1.1' })).toEqual({ key: value });
  });
});
