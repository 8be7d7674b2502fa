import { describe, expect, it } from 'vitest';
import { parseRecordArgs, runRecordCommand } from './command';

describe('parseRecordArgs', () => {
  it('applies defaults', () => {
    expect(parseRecordArgs([])).toEqual({
      help: false,
      contexts: [],
      leaderElection: true,
      probeHost: '0.0.0.0',
      probePort: 8081,
      migrate: true,
      logLevel: 'info',
    });
  });

  it('reads every flag', () => {
    expect(
      parseRecordArgs([
        '--database-url=postgres://x@h/db',
        '--kubeconfig',
        '/k',
        '--context',
        'kind-a=east',
        '--context=kind-b=west',
        '--namespace=metal3',
        '--lease-namespace=stableip',
        '--lease-name=rec',
        '--no-leader-election',
        '--probe-address=127.0.0.1:0',
        '--buffer-limit=10',
        '--batch-size=5',
        '--skip-migrate',
        '--log-level=debug',
      ]),
    ).toEqual({
      help: false,
      databaseUrl: 'postgres://x@h/db',
      kubeconfig: '/k',
      contexts: ['kind-a=east', 'kind-b=west'],
      namespace: 'metal3',
      leaseNamespace: 'stableip',
      leaseName: 'rec',
      leaderElection: false,
      probeHost: '127.0.0.1',
      probePort: 0,
      bufferLimit: 10,
      batchSize: 5,
      migrate: false,
      logLevel: 'debug',
    });
  });

  it.each([
    { argv: ['--buffer-limit=0'], message: '--buffer-limit must be a positive integer, got "0"' },
    { argv: ['--batch-size=x'], message: '--batch-size must be a positive integer, got "x"' },
    { argv: ['--probe-address=8081'], message: '--probe-address must be host:port, got "8081"' },
    { argv: ['--bogus'], message: "Unknown option '--bogus'" },
  ])('rejects $argv', ({ argv, message }) => {
    expect(() => parseRecordArgs(argv)).toThrow(message);
  });

  it('exits 2 with usage on bad flags and 0 on --help', async () => {
    let err = '';
    let out = '';
    expect(await runRecordCommand(['--batch-size=-1'], { stderr: (t) => (err += t) })).toBe(2);
    expect(err).toContain('--batch-size must be a positive integer');
    expect(err).toContain('Usage: stableip-api record');
    expect(await runRecordCommand(['-h'], { stdout: (t) => (out += t) })).toBe(0);
    expect(out).toContain('--context <ctx=cluster>');
  });
});
