// Webhook serving certificates: from a mounted Secret directory (cert-manager) with reload on
// rotation, or generated at start-up (--webhook-self-signed) with the caBundle patched into the
// webhook configurations. Generation uses `selfsigned` (WebCrypto + @peculiar/x509): Node's crypto
// makes keys but cannot issue X.509 certificates, and hand-rolled DER is not worth the risk.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import {
  defineResource,
  retryOnConflict,
  type KubeClient,
  type KubeObject,
  type Logger,
} from '@stableip/kube-runtime';

export interface ServingCertificate {
  cert: string;
  key: string;
}

export class CertificateError extends Error {
  override readonly name = 'CertificateError';
}

/** tls.crt / tls.key as a kubernetes.io/tls Secret mounts them. */
export async function loadCertDir(dir: string): Promise<ServingCertificate> {
  try {
    const [cert, key] = await Promise.all([
      readFile(join(dir, 'tls.crt'), 'utf8'),
      readFile(join(dir, 'tls.key'), 'utf8'),
    ]);
    new X509Certificate(cert); // fail early on garbage
    return { cert, key };
  } catch (err) {
    throw new CertificateError(
      `cannot load the webhook certificate from ${dir} (tls.crt, tls.key): ${(err as Error).message}`,
    );
  }
}

/** Modification stamp of the cert files, to notice rotation (Secret volumes swap a symlink). */
export async function certDirStamp(dir: string): Promise<string> {
  const stamps = await Promise.all(
    ['tls.crt', 'tls.key'].map((file) =>
      stat(join(dir, file)).then(
        (s) => `${s.mtimeMs}:${s.size}:${s.ino}`,
        () => 'missing',
      ),
    ),
  );
  return stamps.join('|');
}

const IPV4_OR_V6 = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;

/** A self-signed certificate (its own CA) valid for `names` (DNS names and IP addresses), 1 year. */
export async function generateSelfSigned(
  names: readonly string[],
  now = new Date(),
): Promise<ServingCertificate> {
  const altNames = names.map((name) =>
    IPV4_OR_V6.test(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name },
  );
  const result = await generate([{ name: 'commonName', value: names[0] ?? 'stableip-webhook' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: result.cert, key: result.private };
}

interface WebhookConfiguration extends KubeObject {
  webhooks?: Array<{
    name: string;
    clientConfig?: { caBundle?: string; [key: string]: unknown };
    [key: string]: unknown;
  }>;
}

const MutatingWebhookConfigurationResource = defineResource<WebhookConfiguration>({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  plural: 'mutatingwebhookconfigurations',
  kind: 'MutatingWebhookConfiguration',
  namespaced: false,
});
const ValidatingWebhookConfigurationResource = defineResource<WebhookConfiguration>({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  plural: 'validatingwebhookconfigurations',
  kind: 'ValidatingWebhookConfiguration',
  namespaced: false,
});

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/** CAs kept in a bundle: ours plus the newest others (other replicas, or a predecessor still running). */
const MAX_BUNDLE_CERTS = 4;

/** The bundle with `ca` appended; duplicates and expired certificates dropped, newest kept. */
export function appendToBundle(existingBase64: string | undefined, ca: string, now = new Date()): string {
  const existing = existingBase64 ? Buffer.from(existingBase64, 'base64').toString('utf8') : '';
  const blocks = [...(existing.match(PEM_BLOCK) ?? []), ...(ca.match(PEM_BLOCK) ?? [])].map((b) => b.trim());
  const unique: string[] = [];
  for (const block of blocks) {
    if (unique.includes(block)) continue;
    try {
      if (new Date(new X509Certificate(block).validTo) < now) continue;
    } catch {
      continue;
    }
    unique.push(block);
  }
  // Ours is last; keep it and the newest others.
  const ours = (ca.match(PEM_BLOCK) ?? []).map((b) => b.trim());
  const others = unique.filter((b) => !ours.includes(b)).slice(-(MAX_BUNDLE_CERTS - ours.length));
  return Buffer.from(`${[...others, ...ours].join('\n')}\n`).toString('base64');
}

/**
 * Adds `ca` to the caBundle of every webhook in the named Mutating/ValidatingWebhookConfigurations
 * (whichever kind exists under each name). Missing configurations are reported, not fatal.
 */
export async function patchCaBundles(
  client: KubeClient,
  names: readonly string[],
  ca: string,
  log: Logger,
): Promise<string[]> {
  const patched: string[] = [];
  for (const name of names) {
    let found = false;
    for (const resource of [MutatingWebhookConfigurationResource, ValidatingWebhookConfigurationResource]) {
      const api = client.resource(resource);
      try {
        await retryOnConflict(async () => {
          const configuration = await api.get({ name });
          const webhooks = (configuration.webhooks ?? []).map((webhook) => ({
            ...webhook,
            clientConfig: {
              ...webhook.clientConfig,
              caBundle: appendToBundle(webhook.clientConfig?.caBundle, ca),
            },
          }));
          await api.update({ ...configuration, webhooks });
        });
        found = true;
        patched.push(`${resource.kind}/${name}`);
      } catch (err) {
        if ((err as { reason?: string }).reason !== 'NotFound') throw err;
      }
    }
    if (!found) log.warn({ configuration: name }, 'webhook configuration not found; caBundle not patched');
  }
  return patched;
}
