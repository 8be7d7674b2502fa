// The real command: `stableip-api serve` migrates, listens, answers, and exits 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/auth/tokens';
import { useTestDatabase } from './support/database';

const db = useTestDatabase();

describe('stableip-api serve', () => {
  it('serves, then drains and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@stableip/source',
        'src/main.ts',
        'serve',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--production',
      ],
      {
        cwd: new URL('..', import.meta.url).pathname,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          STABLEIP_API_TOKENS: `ci:reader:${sha256Hex('t0k')}`,
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout! });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    const port = await new Promise<number>((resolve, reject) => {
      lines.on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'stableip-api listening') resolve(entry.port!);
      });
      void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const response = await fetch(`http://127.0.0.1:${port}/export/external-dns`, {
      headers: { authorization: 'Bearer t0k' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});
