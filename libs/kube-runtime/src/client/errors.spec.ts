import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeApiError, isAlreadyExists, isConflict, kubeErrorFromResponse, toKubeApiError } from './errors';

const status = (code: number, reason: string, extra: object = {}) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  message: `${reason} message`,
  ...extra,
});

describe('kubeErrorFromResponse', () => {
  it.each([
    [404, status(404, 'NotFound'), 'NotFound'],
    [409, status(409, 'AlreadyExists'), 'AlreadyExists'],
    [409, status(409, 'Conflict'), 'Conflict'],
    [410, status(410, 'Expired'), 'Gone'],
    [410, status(410, 'Gone'), 'Gone'],
    [422, status(422, 'Invalid'), 'Invalid'],
    [403, status(403, 'Forbidden'), 'Forbidden'],
    [401, status(401, 'Unauthorized'), 'Unauthorized'],
    [429, status(429, 'TooManyRequests'), 'TooManyRequests'],
    [500, status(500, 'InternalError'), 'Unavailable'],
    [503, status(503, 'ServiceUnavailable'), 'Unavailable'],
    [504, status(504, 'Timeout'), 'Timeout'],
    [404, '404 page not found\n', 'NotFound'],
    [502, undefined, 'Unavailable'],
    [418, undefined, 'Unknown'],
  ] as const)('HTTP %i %j → %s', (code, body, reason) => {
    const err = kubeErrorFromResponse(code, body);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.reason).toBe(reason);
    expect(err.code).toBe(code);
  });

  it('keeps Invalid causes and the server message', () => {
    const err = kubeErrorFromResponse(
      422,
      status(422, 'Invalid', {
        message: 'IPPool.ipam.metal3.io "p" is invalid: spec.pools: Required value',
        details: {
          name: 'p',
          causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.pools' }],
        },
      }),
    );
    expect(err.message).toBe('IPPool.ipam.metal3.io "p" is invalid: spec.pools: Required value');
    expect(err.causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.pools' },
    ]);
  });

  it('reads Retry-After from the header or the Status details', () => {
    expect(
      kubeErrorFromResponse(429, status(429, 'TooManyRequests'), { 'retry-after': '7' }).retryAfterSeconds,
    ).toBe(7);
    expect(
      kubeErrorFromResponse(429, status(429, 'TooManyRequests', { details: { retryAfterSeconds: 3 } }))
        .retryAfterSeconds,
    ).toBe(3);
    expect(kubeErrorFromResponse(429, status(429, 'TooManyRequests')).transient).toBe(true);
    expect(kubeErrorFromResponse(404, status(404, 'NotFound')).transient).toBe(false);
  });
});

describe('toKubeApiError', () => {
  it('maps client-node ApiException with a JSON string body', () => {
    const err = toKubeApiError(new ApiException(409, 'x', JSON.stringify(status(409, 'AlreadyExists')), {}));
    expect(isAlreadyExists(err)).toBe(true);
    expect(isConflict(err)).toBe(false);
  });

  it('maps watch ERROR payloads (a Status object)', () => {
    expect(toKubeApiError(status(410, 'Expired')).reason).toBe('Gone');
  });

  it('maps a watch HTTP failure (error.statusCode)', () => {
    expect(toKubeApiError(Object.assign(new Error('Forbidden'), { statusCode: 403 })).reason).toBe(
      'Forbidden',
    );
  });

  it('maps network failures to Unavailable with code 0 and keeps the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const err = toKubeApiError(cause);
    expect(err.reason).toBe('Unavailable');
    expect(err.code).toBe(0);
    expect(err.cause).toBe(cause);
  });
});
