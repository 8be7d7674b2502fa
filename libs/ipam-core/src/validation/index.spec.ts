import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types';
import {
  defaultObject,
  formatValidationText,
  toStatus,
  validateCreate,
  validateUpdate,
  validatedKindOf,
} from './index';

const ippool = (spec: Record<string, unknown>, name = 'p'): KubeObject =>
  ({
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPPool',
    metadata: { name },
    spec: { namePrefix: 'x', ...spec },
  }) as KubeObject;

describe('dispatch', () => {
  it.each<[string, KubeObject, string | undefined]>([
    ['IPPool', ippool({}), 'IPPool'],
    ['IPClaim', { apiVersion: 'ipam.metal3.io/v1alpha1', kind: 'IPClaim', metadata: {} }, 'IPClaim'],
    [
      'Metal3 IPAddress',
      { apiVersion: 'ipam.metal3.io/v1alpha1', kind: 'IPAddress', metadata: {} },
      'IPAddress',
    ],
    [
      'CAPI IPAddress',
      { apiVersion: 'ipam.cluster.x-k8s.io/v1beta2', kind: 'IPAddress', metadata: {} },
      undefined,
    ],
    [
      'other kind of the group',
      { apiVersion: 'ipam.metal3.io/v1alpha1', kind: 'Other', metadata: {} },
      undefined,
    ],
    ['core object', { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, undefined],
  ])('%s', (_name, obj, kind) => {
    expect(validatedKindOf(obj)).toBe(kind);
  });

  it('rejects an invalid IPPool on create and renders it', () => {
    const result = validateCreate(ippool({ gateway: 'x' }));
    expect(formatValidationText(result)).toBe(
      'The IPPool "p" is invalid: spec.gateway: Invalid value: "x": is not a valid IP address',
    );
  });

  it('rejects an invalid IPClaim and IPAddress on create', () => {
    const claim = {
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPClaim',
      metadata: { name: 'c' },
      spec: { pool: {} },
    };
    expect(validateCreate(claim).allowed).toBe(false);
    const address = {
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPAddress',
      metadata: { name: 'a' },
      spec: { pool: { name: 'p' }, claim: { name: 'c' }, address: 'x' },
    };
    expect(formatValidationText(validateCreate(address))).toBe(
      'The IPAddress "a" is invalid: spec.address: Invalid value: "x": is not a valid IP address',
    );
  });

  it('allows objects no webhook covers, even if they look invalid', () => {
    const capiAddress = {
      apiVersion: 'ipam.cluster.x-k8s.io/v1beta2',
      kind: 'IPAddress',
      metadata: {},
      spec: { address: 'x' },
    };
    expect(validateCreate(capiAddress)).toEqual({ allowed: true });
    expect(validateUpdate(capiAddress, capiAddress)).toEqual({ allowed: true });
  });

  it('validates updates per kind', () => {
    const result = validateUpdate(ippool({ namePrefix: 'a' }), ippool({ namePrefix: 'b' }));
    expect(formatValidationText(result)).toBe(
      'The IPPool "p" is invalid: spec.namePrefix: Invalid value: "b": cannot be modified',
    );
  });

  it('answers a kind mismatch between old and new with a bad request', () => {
    const claim = { apiVersion: 'ipam.metal3.io/v1alpha1', kind: 'IPClaim', metadata: { name: 'p' } };
    const result = validateUpdate(claim, ippool({}));
    expect(result.allowed).toBe(false);
    if (result.allowed) return;
    expect(toStatus(result)).toMatchObject({ reason: 'BadRequest', code: 400 });
  });
});

describe('defaultObject', () => {
  it('defaults an IPPool strategy and leaves other objects alone', () => {
    expect(
      (defaultObject(ippool({})) as unknown as { spec: { allocationStrategy: string } }).spec
        .allocationStrategy,
    ).toBe('sequential');
    const claim = { apiVersion: 'ipam.metal3.io/v1alpha1', kind: 'IPClaim', metadata: {} };
    expect(defaultObject(claim)).toBe(claim);
  });
});
