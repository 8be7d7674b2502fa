// The loader against a real file system: FIFOs and sockets in a -f directory are reported, never
// opened for a blocking read.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from './load';

let dir: string;
let socketServer: Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stableip-load-'));
  writeFileSync(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: List\nitems: []\n');
  execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(join(dir, 'sock.json'), resolve));
});

afterAll(async () => {
  await new Promise((resolve) => socketServer.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const noStdin = () => Promise.reject(new Error('stdin is not read here'));

describe('loadManifests', () => {
  it('reads the regular files of a directory and refuses a FIFO and a socket in it', async () => {
    const { documents, problems } = await loadManifests([dir], noStdin);
    expect(documents.map((document) => document.source)).toEqual([join(dir, 'a.yaml')]);
    expect(problems).toEqual([
      expect.objectContaining({
        source: join(dir, 'pipe.yaml'),
        location: 'file',
        message: 'cannot read: a FIFO (named pipe), not a regular file',
        hint: expect.stringContaining('-f -'),
      }),
      expect.objectContaining({
        source: join(dir, 'sock.json'),
        message: 'cannot read: a socket, not a regular file',
      }),
    ]);
  });

  it('refuses a FIFO given by name instead of waiting for a writer', async () => {
    const { problems } = await loadManifests([join(dir, 'pipe.yaml')], noStdin);
    expect(problems.map((problem) => problem.message)).toEqual([
      'cannot read: a FIFO (named pipe), not a regular file',
    ]);
  });

  it('refuses a device', async () => {
    const { problems } = await loadManifests(['/dev/zero'], noStdin);
    expect(problems.map((problem) => problem.message)).toEqual(['cannot read: a device, not a regular file']);
  });
});
