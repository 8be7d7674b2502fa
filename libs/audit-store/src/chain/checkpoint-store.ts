// Where checkpoints live: places outside the database that the operator controls. A store keeps
// the checkpoints and publishes the public keys that verify them.
import { open, readFile } from 'node:fs/promises';
import { AuditStoreError } from '../errors';
import { parseCheckpoint, type SignedCheckpoint } from './checkpoint';

export const PUBLIC_KEY_FORMAT = 'stableip.audit.public-key/v1';

export interface PublishedKey {
  keyId: string;
  /** SPKI PEM. */
  pem: string;
}

export interface CheckpointRecords {
  checkpoints: SignedCheckpoint[];
  publicKeys: PublishedKey[];
}

export interface CheckpointStore {
  /** For reports and errors, e.g. `file /var/lib/stableip/checkpoints.ndjson`. */
  readonly description: string;
  /** Adds checkpoints (and publishes `key` if it is not yet). */
  append(checkpoints: readonly SignedCheckpoint[], key: PublishedKey): Promise<void>;
  read(): Promise<CheckpointRecords>;
}

/** Parses NDJSON lines of checkpoints and public keys; `where` names the source in errors. */
export function parseCheckpointLines(text: string, where: string): CheckpointRecords {
  const records: CheckpointRecords = { checkpoints: [], publicKeys: [] };
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const at = `${where} line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new AuditStoreError('INVALID_CHECKPOINT', `${at}: not JSON`);
    }
    const record = value as Record<string, unknown> | null;
    if (record?.['format'] === PUBLIC_KEY_FORMAT) {
      if (typeof record['keyId'] !== 'string' || typeof record['pem'] !== 'string') {
        throw new AuditStoreError('INVALID_CHECKPOINT', `${at}: a public key needs keyId and pem strings`);
      }
      records.publicKeys.push({ keyId: record['keyId'], pem: record['pem'] });
    } else {
      records.checkpoints.push(parseCheckpoint(value, at));
    }
  });
  return records;
}

export function publicKeyLine(key: PublishedKey): string {
  return JSON.stringify({ format: PUBLIC_KEY_FORMAT, keyId: key.keyId, pem: key.pem });
}

/**
 * An append-only NDJSON file (one checkpoint or public key per line), synced on every append.
 * Point it at storage the database's administrators cannot write: a volume of its own, a
 * log-shipped path, a WORM bucket mount.
 */
export function fileCheckpointStore(path: string): CheckpointStore {
  const description = `file ${path}`;
  const readText = async (): Promise<string> => {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw new AuditStoreError(
        'CHECKPOINT_STORE_FAILED',
        `cannot read checkpoint ${description}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
  };
  // Key ids already in the file, read once: appends then never re-read a long file.
  let publishedKeyIds: Set<string> | undefined;
  return {
    description,
    read: async () => parseCheckpointLines(await readText(), path),
    append: async (checkpoints, key) => {
      publishedKeyIds ??= new Set(
        parseCheckpointLines(await readText(), path).publicKeys.map((entry) => entry.keyId),
      );
      const lines = publishedKeyIds.has(key.keyId) ? [] : [publicKeyLine(key)];
      lines.push(...checkpoints.map((checkpoint) => JSON.stringify(checkpoint)));
      if (lines.length === 0) return;
      try {
        const file = await open(path, 'a', 0o644);
        try {
          await file.write(`${lines.join('\n')}\n`);
          await file.sync();
          publishedKeyIds.add(key.keyId);
        } finally {
          await file.close();
        }
      } catch (err) {
        throw new AuditStoreError(
          'CHECKPOINT_STORE_FAILED',
          `cannot append to checkpoint ${description}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        );
      }
    },
  };
}
