import { describe, expect, it } from 'vitest';
import { KubeTestEnvStartError, startKubeTestEnv } from './server.js';

describe('startKubeTestEnv', () => {
  it('fails fast with build instructions when the binary is missing', async () => {
    const err = await startKubeTestEnv({ binary: '/nonexistent/kube-testenv' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeTestEnvStartError);
    expect(String((err as Error).message)).toContain('npx nx run kube-testenv:build');
    expect(String((err as Error).message)).toContain('Go >= 1.24');
  });

  it('reports the exit code and log tail when the server cannot start', async () => {
    // /bin/false exits 1 immediately, like a binary whose kube-apiserver rejected its flags.
    const err = await startKubeTestEnv({ binary: '/bin/false' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeTestEnvStartError);
    expect((err as KubeTestEnvStartError).exitCode).toBe(1);
    expect(String((err as Error).message)).toContain('exited before it was ready');
  });
});
