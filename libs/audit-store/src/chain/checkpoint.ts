// Signed checkpoints: an Ed25519 signature over a cluster's chain head (seq, hash), made with a key
// the database never sees. Whoever can rewrite the database cannot produce a checkpoint, so a
// rewrite of history up to a checkpointed head is detected even when rows and head agree.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';
import { AuditStoreError } from '../errors';

export const CHECKPOINT_FORMAT = 'stableip.audit.checkpoint/v1';

/**
 * `head`: the chain head at some moment (written every N events / T seconds).
 * `prune`: the last event of an archived, pruned range; the chain left in the database starts
 * after it. Distinct purposes so a head checkpoint can never pass for a prune boundary.
 */
export type CheckpointPurpose = 'head' | 'prune';

export interface CheckpointPayload {
  format: typeof CHECKPOINT_FORMAT;
  purpose: CheckpointPurpose;
  cluster: string;
  seq: number;
  hash: string;
  /** ISO 8601, when it was signed. */
  signedAt: string;
  /** {@link keyIdOf} the signing key. */
  keyId: string;
}

export interface SignedCheckpoint extends CheckpointPayload {
  /** Base64 Ed25519 signature over the RFC 8785 canonical JSON of the payload. */
  signature: string;
}

export interface CheckpointSigner {
  readonly keyId: string;
  /** The public key as SPKI PEM, to publish next to the checkpoints. */
  readonly publicKeyPem: string;
  sign(head: { purpose: CheckpointPurpose; cluster: string; seq: number; hash: string }): SignedCheckpoint;
}

function payloadBytes(payload: CheckpointPayload): Buffer {
  const { format, purpose, cluster, seq, hash, signedAt, keyId } = payload;
  const text = canonicalize({ format, purpose, cluster, seq, hash, signedAt, keyId });
  if (text === undefined) throw new TypeError('checkpoint has no JSON form');
  return Buffer.from(text, 'utf8');
}

/** First 16 hex digits of the SHA-256 of the public key's DER (SPKI) encoding. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

function assertEd25519(key: KeyObject, where: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AuditStoreError(
      'INVALID_KEY',
      `${where} is a ${key.asymmetricKeyType ?? 'symmetric'} key; checkpoints need an Ed25519 key ` +
        '(create one with `openssl genpkey -algorithm ed25519 -out checkpoint-key.pem`)',
    );
  }
  return key;
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new AuditStoreError(
      'INVALID_KEY',
      `cannot read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}

/** An Ed25519 private key from PEM (PKCS#8, as `openssl genpkey -algorithm ed25519` writes it). */
export function signingKeyFromPem(pem: string, where = 'the checkpoint key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new AuditStoreError(
      'INVALID_KEY',
      `${where} is not a PEM private key (expected "-----BEGIN PRIVATE KEY-----", PKCS#8 Ed25519)`,
    );
  }
  return assertEd25519(key, where);
}

/** Reads the signing key from a file, e.g. a Kubernetes Secret mounted as a volume. */
export function loadSigningKey(path: string): KeyObject {
  return signingKeyFromPem(readKeyFile(path), `key file ${path}`);
}

/** An Ed25519 public key from PEM; a private key PEM is accepted and its public half used. */
export function verifyKeyFromPem(pem: string, where = 'the public key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new AuditStoreError(
      'INVALID_KEY',
      `${where} is not a PEM public key (expected "-----BEGIN PUBLIC KEY-----", Ed25519)`,
    );
  }
  return assertEd25519(key, where);
}

export function loadVerifyKey(path: string): KeyObject {
  return verifyKeyFromPem(readKeyFile(path), `key file ${path}`);
}

export function createCheckpointSigner(
  privateKey: KeyObject,
  now: () => Date = () => new Date(),
): CheckpointSigner {
  assertEd25519(privateKey, 'the checkpoint key');
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  return {
    keyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (head) => {
      const payload: CheckpointPayload = {
        format: CHECKPOINT_FORMAT,
        purpose: head.purpose,
        cluster: head.cluster,
        seq: head.seq,
        hash: head.hash,
        signedAt: now().toISOString(),
        keyId,
      };
      return { ...payload, signature: sign(null, payloadBytes(payload), privateKey).toString('base64') };
    },
  };
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Checks the shape of untrusted JSON (a file line, a ConfigMap value) and returns it typed. */
export function parseCheckpoint(value: unknown, where: string): SignedCheckpoint {
  const fail = (what: string): never => {
    throw new AuditStoreError('INVALID_CHECKPOINT', `${where}: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not a JSON object');
  const record = value as Record<string, unknown>;
  if (record['format'] !== CHECKPOINT_FORMAT) return fail(`format is not "${CHECKPOINT_FORMAT}"`);
  const purpose = record['purpose'];
  if (purpose !== 'head' && purpose !== 'prune') return fail('purpose must be "head" or "prune"');
  const seq = record['seq'];
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1)
    return fail('seq must be an integer >= 1');
  const strings = ['cluster', 'hash', 'signedAt', 'keyId', 'signature'] as const;
  for (const field of strings) {
    if (typeof record[field] !== 'string' || record[field] === '')
      fail(`${field} must be a non-empty string`);
  }
  if (!HEX64.test(record['hash'] as string)) fail('hash must be 64 lowercase hex digits');
  return {
    format: CHECKPOINT_FORMAT,
    purpose,
    cluster: record['cluster'] as string,
    seq,
    hash: record['hash'] as string,
    signedAt: record['signedAt'] as string,
    keyId: record['keyId'] as string,
    signature: record['signature'] as string,
  };
}

/** True when `checkpoint` was signed by one of `keys` (matched by key id) and is unaltered. */
export function checkpointSignatureValid(checkpoint: SignedCheckpoint, keys: readonly KeyObject[]): boolean {
  const key = keys.find((candidate) => keyIdOf(candidate) === checkpoint.keyId);
  if (!key) return false;
  return verify(null, payloadBytes(checkpoint), key, Buffer.from(checkpoint.signature, 'base64'));
}
