import { describe, expect, it } from 'vitest';
import { invalid } from './field-error';
import { type ValidationResult, badRequest, formatValidationText, rejectOrAllow, toStatus } from './result';

const gateway = invalid('spec.gateway', 'x', 'json', 'is not a valid IP address');
const namePrefix = invalid('spec.namePrefix', 'b', 'quoted', 'cannot be modified');

describe('toStatus (apierrors.NewInvalid)', () => {
  it('renders a single error without brackets', () => {
    const result = rejectOrAllow('IPPool', 'p', [gateway]);
    if (result.allowed) throw new Error('expected a rejection');
    expect(toStatus(result)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'IPPool.ipam.metal3.io "p" is invalid: spec.gateway: Invalid value: "x": is not a valid IP address',
      reason: 'Invalid',
      details: {
        name: 'p',
        group: 'ipam.metal3.io',
        kind: 'IPPool',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: "x": is not a valid IP address',
            field: 'spec.gateway',
          },
        ],
      },
      code: 422,
    });
  });

  it('brackets several errors, dedupes the message but keeps every cause', () => {
    const result = rejectOrAllow('IPClaim', 'c', [namePrefix, gateway, namePrefix]);
    if (result.allowed) throw new Error('expected a rejection');
    const status = toStatus(result);
    expect(status.message).toBe(
      'IPClaim.ipam.metal3.io "c" is invalid: [spec.namePrefix: Invalid value: "b": cannot be modified, spec.gateway: Invalid value: "x": is not a valid IP address]',
    );
    expect(status.details?.causes).toHaveLength(3);
  });

  it('leaves out an empty name (omitempty) but quotes it in the message', () => {
    const result = rejectOrAllow('IPAddress', undefined, [gateway]);
    if (result.allowed) throw new Error('expected a rejection');
    const status = toStatus(result);
    expect(status.details).not.toHaveProperty('name');
    expect(status.message.startsWith('IPAddress.ipam.metal3.io "" is invalid: ')).toBe(true);
  });

  it('quotes names as Go %q does', () => {
    const result = rejectOrAllow('IPPool', 'we"ird', [gateway]);
    if (result.allowed) throw new Error('expected a rejection');
    expect(toStatus(result).message.startsWith('IPPool.ipam.metal3.io "we\\"ird" is invalid')).toBe(true);
  });

  it('renders a bad request as a 400 without details', () => {
    expect(toStatus(badRequest('nope'))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'nope',
      reason: 'BadRequest',
      code: 400,
    });
  });

  it('keys appear in metav1.Status field order', () => {
    const result = rejectOrAllow('IPPool', 'p', [gateway]);
    if (result.allowed) throw new Error('expected a rejection');
    expect(Object.keys(toStatus(result))).toEqual([
      'kind',
      'apiVersion',
      'metadata',
      'status',
      'message',
      'reason',
      'details',
      'code',
    ]);
  });
});

describe('formatValidationText (kubectl)', () => {
  it.each<[string, ValidationResult, string]>([
    ['allowed', { allowed: true }, ''],
    [
      'one cause on one line',
      rejectOrAllow('IPPool', 'p', [gateway]),
      'The IPPool "p" is invalid: spec.gateway: Invalid value: "x": is not a valid IP address',
    ],
    [
      'duplicate causes collapse to one line',
      rejectOrAllow('IPPool', 'p', [gateway, gateway]),
      'The IPPool "p" is invalid: spec.gateway: Invalid value: "x": is not a valid IP address',
    ],
    [
      'several causes as a bullet list under a header with a trailing space',
      rejectOrAllow('IPPool', 'p', [namePrefix, gateway]),
      'The IPPool "p" is invalid: \n* spec.namePrefix: Invalid value: "b": cannot be modified\n* spec.gateway: Invalid value: "x": is not a valid IP address',
    ],
    ['bad request', badRequest('nope'), 'Error from server (BadRequest): nope'],
  ])('%s', (_name, result, expected) => {
    expect(formatValidationText(result)).toBe(expected);
  });
});
