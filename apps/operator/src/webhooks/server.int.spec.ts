// The webhook's HTTPS server answering malformed AdmissionReviews: a 400 with a message, as the
// API server (or anything else) sends them, never a TypeError and a 500.
import { request } from 'node:https';
import { createLogger } from '@stableip/kube-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookPath } from './admission';
import { generateSelfSigned, type ServingCertificate } from './certs';
import { startWebhookServer, type RunningWebhookServer } from './server';

let certificate: ServingCertificate;
let server: RunningWebhookServer;

beforeAll(async () => {
  certificate = await generateSelfSigned(['127.0.0.1']);
  server = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    certificate,
    logger: createLogger({ level: 'silent' }),
  });
});

afterAll(async () => {
  await server?.close();
});

function post(path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: 'POST',
        ca: certificate.cert,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('webhook server', () => {
  const path = webhookPath('validate', 'IPPool');

  it.each([
    [
      'without request.kind',
      {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: { uid: 'u', operation: 'CREATE' },
      },
      'malformed AdmissionReview: request.kind must be an object {group, version, kind}\n',
    ],
    ['a JSON array', [], 'malformed AdmissionReview: expected an object with kind "AdmissionReview"\n'],
    ['null', null, 'malformed AdmissionReview: expected an object with kind "AdmissionReview"\n'],
  ])('answers a review %s with 400 and the reason', async (_name, body, text) => {
    expect(await post(path, JSON.stringify(body))).toEqual({ status: 400, text });
  });

  it('answers a well-formed review with 200', async () => {
    const body = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u1',
        kind: { group: 'ipam.metal3.io', version: 'v1alpha1', kind: 'IPPool' },
        operation: 'CREATE',
        object: { metadata: { name: 'p', namespace: 'n' }, spec: { namePrefix: 'p' } },
      },
    };
    const answer = await post(path, JSON.stringify(body));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ response: { uid: 'u1', allowed: true } });
  });
});
