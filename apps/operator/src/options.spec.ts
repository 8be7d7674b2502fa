import { describe, expect, it } from 'vitest';
import { OptionsError, parseBindAddress, parseDuration, parseOptions } from './options';

describe('parseOptions', () => {
  it('has the documented defaults', () => {
    const o = parseOptions([], {});
    expect(o).toMatchObject({
      namespace: '',
      ippoolConcurrency: 10,
      leaderElect: true,
      metricsBindAddress: { port: 8080 },
      healthProbeBindAddress: { port: 8081 },
      webhookPort: 9443,
      webhookSelfSigned: false,
      controllers: ['ipam'],
      enableBmhNameBasedPreallocation: false,
      logLevel: 'info',
      logFormat: 'json',
    });
  });

  it.each([
    { argv: ['--leader-elect=false'], env: {}, field: 'leaderElect', value: false },
    { argv: ['--leader-elect'], env: {}, field: 'leaderElect', value: true },
    { argv: [], env: { STABLEIP_IPPOOL_CONCURRENCY: '3' }, field: 'ippoolConcurrency', value: 3 },
    {
      argv: ['--ippool-concurrency=5'],
      env: { STABLEIP_IPPOOL_CONCURRENCY: '3' },
      field: 'ippoolConcurrency',
      value: 5,
    },
    { argv: ['--metrics-bind-address=0'], env: {}, field: 'metricsBindAddress', value: undefined },
    { argv: ['--controllers=ipam,metal3data'], env: {}, field: 'controllers', value: ['ipam', 'metal3data'] },
    {
      argv: ['--enableBMHNameBasedPreallocation=true'],
      env: {},
      field: 'enableBmhNameBasedPreallocation',
      value: true,
    },
    {
      argv: [],
      env: { ENABLE_BMH_NAME_BASED_PREALLOCATION: 'true' },
      field: 'enableBmhNameBasedPreallocation',
      value: true,
    },
    { argv: ['--webhook-self-signed'], env: {}, field: 'webhookSelfSigned', value: true },
    { argv: [], env: { POD_NAMESPACE: 'sys' }, field: 'leaderElectionNamespace', value: 'sys' },
  ])('$argv $env → $field', ({ argv, env, field, value }) => {
    expect(parseOptions(argv, env)[field as keyof ReturnType<typeof parseOptions>]).toEqual(value);
  });

  it.each([
    ['--ippool-concurrency=0'],
    ['--controllers=bogus'],
    ['--log-format=xml'],
    ['--leader-elect=maybe'],
  ])('rejects %s', (arg) => {
    expect(() => parseOptions([arg], {})).toThrow(OptionsError);
  });

  it('parses bind addresses and durations', () => {
    expect(parseBindAddress('127.0.0.1:9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(parseBindAddress('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1.5s')).toBe(1500);
  });
});
