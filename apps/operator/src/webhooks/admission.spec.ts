import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdmissionError, review, WEBHOOK_ROUTES, webhookPath } from './admission';
import { createJsonPatch } from './json-patch';
import { appendToBundle, generateSelfSigned } from './certs';

const request = (kind: string, operation: 'CREATE' | 'UPDATE', object: unknown, oldObject?: unknown) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'u1',
    kind: { group: 'ipam.metal3.io', version: 'v1alpha1', kind },
    operation,
    object,
    oldObject,
  },
});
const pool = (spec: Record<string, unknown>) => ({
  apiVersion: 'ipam.metal3.io/v1alpha1',
  kind: 'IPPool',
  metadata: { name: 'p', namespace: 'ns' },
  spec: { namePrefix: 'p', ...spec },
});

describe('admission review', () => {
  it.each([
    {
      name: 'invalid gateway',
      body: request('IPPool', 'CREATE', pool({ gateway: 'nope' })),
      message:
        'IPPool.ipam.metal3.io "p" is invalid: spec.gateway: Invalid value: "nope": is not a valid IP address',
    },
    {
      name: 'namePrefix change',
      body: request('IPPool', 'UPDATE', pool({ namePrefix: 'q' }), pool({})),
      message:
        'IPPool.ipam.metal3.io "p" is invalid: spec.namePrefix: Invalid value: "q": cannot be modified',
    },
  ])('denies $name with upstream text', ({ body, message }) => {
    const answer = review(webhookPath('validate', 'IPPool'), body);
    expect(answer.response).toMatchObject({
      uid: 'u1',
      allowed: false,
      status: { code: 422, reason: 'Invalid', message },
    });
  });

  it('allows a valid pool and defaults allocationStrategy with a JSON patch', () => {
    expect(review(webhookPath('validate', 'IPPool'), request('IPPool', 'CREATE', pool({}))).response).toEqual(
      { uid: 'u1', allowed: true },
    );
    const mutated = review(webhookPath('mutate', 'IPPool'), request('IPPool', 'CREATE', pool({}))).response!;
    expect(mutated.patchType).toBe('JSONPatch');
    expect(JSON.parse(Buffer.from(mutated.patch!, 'base64').toString())).toEqual([
      { op: 'add', path: '/spec/allocationStrategy', value: 'sequential' },
    ]);
  });

  it('rejects a kind sent to the wrong path and malformed reviews', () => {
    expect(
      review(webhookPath('validate', 'IPClaim'), request('IPPool', 'CREATE', pool({}))).response?.allowed,
    ).toBe(false);
    expect(() => review(webhookPath('validate', 'IPPool'), { kind: 'Nope' })).toThrow(/AdmissionReview/);
    expect(() => review('/nowhere', request('IPPool', 'CREATE', pool({})))).toThrow(/no webhook/);
  });
});

describe('malformed admission reviews', () => {
  const path = webhookPath('validate', 'IPPool');
  const base = request('IPPool', 'CREATE', pool({}));
  it.each([
    [
      'no request.kind',
      { ...base, request: { ...base.request, kind: undefined } },
      /request\.kind must be an object/,
    ],
    [
      'kind.kind not a string',
      { ...base, request: { ...base.request, kind: { group: 'g', version: 'v', kind: 5 } } },
      /request\.kind\.kind must be a string/,
    ],
    [
      'an unknown operation',
      { ...base, request: { ...base.request, operation: 'PATCH' } },
      /request\.operation must be one of/,
    ],
    [
      'an object that is a list',
      { ...base, request: { ...base.request, object: [] } },
      /request\.object must be an object or null/,
    ],
    [
      'metadata that is a string',
      { ...base, request: { ...base.request, object: { metadata: 'x' } } },
      /request\.object\.metadata must be an object/,
    ],
    [
      'a numeric uid',
      { ...base, request: { ...base.request, uid: 7 } },
      /request\.uid must be a non-empty string/,
    ],
    ['a body that is not an object', 'AdmissionReview', /expected an object with kind "AdmissionReview"/],
  ])('refuses %s with a 400 naming the field', (_name, body, message) => {
    expect(() => review(path, body)).toThrow(message);
    try {
      review(path, body);
    } catch (error) {
      expect(error).toBeInstanceOf(AdmissionError);
      expect((error as AdmissionError).httpStatus).toBe(400);
    }
  });

  it('answers any JSON body with a review or an AdmissionError, never another exception (property)', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    const objectLike = fc.oneof(
      json,
      fc.record({ metadata: fc.oneof(json, fc.record({ name: json, namespace: json })), spec: json }),
    );
    const body = fc.record({
      apiVersion: fc.oneof(fc.constant('admission.k8s.io/v1'), json),
      kind: fc.oneof(fc.constant('AdmissionReview'), json),
      request: fc.oneof(
        json,
        fc.record(
          {
            uid: fc.oneof(fc.constant('u1'), json),
            kind: fc.oneof(
              fc.constant({ group: 'ipam.metal3.io', version: 'v1alpha1', kind: 'IPPool' }),
              fc.constant({ group: 'ipam.metal3.io', version: 'v1alpha1', kind: 'IPClaim' }),
              json,
            ),
            operation: fc.oneof(fc.constantFrom('CREATE', 'UPDATE', 'DELETE'), json),
            object: objectLike,
            oldObject: objectLike,
          },
          { requiredKeys: [] },
        ),
      ),
    });
    fc.assert(
      fc.property(fc.constantFrom(...WEBHOOK_ROUTES.keys()), body, (route, input) => {
        try {
          const answer = review(route, input);
          expect(answer.kind).toBe('AdmissionReview');
        } catch (error) {
          expect(error).toBeInstanceOf(AdmissionError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('createJsonPatch', () => {
  it('escapes keys and replaces arrays', () => {
    expect(createJsonPatch({ a: { 'x/y': 1 }, l: [1] }, { a: { 'x/y': 2 }, l: [1, 2], n: 'v' })).toEqual([
      { op: 'replace', path: '/a/x~1y', value: 2 },
      { op: 'replace', path: '/l', value: [1, 2] },
      { op: 'add', path: '/n', value: 'v' },
    ]);
  });
});

describe('caBundle', () => {
  it('appends our CA, keeps others, drops duplicates', async () => {
    const a = await generateSelfSigned(['a.example']);
    const b = await generateSelfSigned(['b.example', '127.0.0.1']);
    const once = appendToBundle(undefined, a.cert);
    const twice = appendToBundle(once, b.cert);
    const again = appendToBundle(twice, b.cert);
    const count = (bundle: string) =>
      (
        Buffer.from(bundle, 'base64')
          .toString()
          .match(/BEGIN CERTIFICATE/g) ?? []
      ).length;
    expect([count(once), count(twice), count(again)]).toEqual([1, 2, 2]);
  });
});
