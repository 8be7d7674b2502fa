import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from './options';

describe('parseOptions', () => {
  it.each([
    { argv: [], env: {}, demo: true, kubeconfig: undefined },
    { argv: ['--no-demo'], env: {}, demo: false, kubeconfig: undefined },
    { argv: [], env: { KUBECONFIG: '/k' }, demo: false, kubeconfig: '/k' },
    { argv: ['--kubeconfig', '/x', '--demo'], env: {}, demo: true, kubeconfig: '/x' },
    { argv: ['--kubeconfig', '/x'], env: { KUBECONFIG: '/k' }, demo: false, kubeconfig: '/x' },
  ])('$argv with $env → demo $demo, kubeconfig $kubeconfig', ({ argv, env, demo, kubeconfig }) => {
    const options = parseOptions(argv, env);
    expect(options.demo).toBe(demo);
    expect(options.kubeconfig).toBe(kubeconfig);
  });

  it('reads port, seed, database url and exit-after-demo', () => {
    const options = parseOptions(['--port', '9000', '--seed', '42', '--exit-after-demo'], {
      DATABASE_URL: 'postgres://x',
    });
    expect(options).toMatchObject({ port: 9000, seed: 42, exitAfterDemo: true, databaseUrl: 'postgres://x' });
    expect(parseOptions([], { STABLEIP_PORT: '8123' }).port).toBe(8123);
    expect(parseOptions([], {}).port).toBeUndefined();
  });

  it.each([
    [['--port', 'x'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--demo', '--no-demo'], /contradict/],
    [['--no-demo', '--exit-after-demo'], /needs the demo/],
    [['--install-crds'], /--kubeconfig/],
    [['--bogus'], /Unknown option/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseOptions(argv, {})).toThrow(UsageError);
    expect(() => parseOptions(argv, {})).toThrow(message);
  });
});
