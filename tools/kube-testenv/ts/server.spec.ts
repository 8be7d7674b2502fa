import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KubeTestEnvStartError, startKubeTestEnv } from './server.js';

const fakeBinary = fileURLToPath(new URL('../tests/fixtures/fake-port-race.sh', import.meta.url));

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

  it('retries once when the binary lost a port race (exit code 3)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-testenv-spec-'));
    process.env['FAKE_KUBE_TESTENV_MARKER'] = join(dir, 'first-start-done');
    try {
      const env = await startKubeTestEnv({ binary: fakeBinary });
      expect(env.info.server).toBe('https://127.0.0.1:1');
      await env.stop();
    } finally {
      delete process.env['FAKE_KUBE_TESTENV_MARKER'];
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
