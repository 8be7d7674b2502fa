import { describe, expect, it } from 'vitest';
import type { IPClaim, Metal3IPAddress, ObjectReference } from '../api/types';
import {
  objectReferenceJSON,
  validateIPAddressCreate,
  validateIPAddressUpdate,
  validateIPClaimCreate,
  validateIPClaimUpdate,
} from './claim-address';
import { errorText } from './field-error';
import type { ValidationResult } from './result';

function lines(result: ValidationResult): string[] {
  if (result.allowed) return [];
  if (result.reason !== 'Invalid') throw new Error('unexpected bad request');
  return result.errors.map(errorText);
}

function claim(pool: ObjectReference, annotations?: Record<string, string>): IPClaim {
  return {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPClaim',
    metadata: { name: 'abc-1', namespace: 'foo', ...(annotations ? { annotations } : {}) },
    spec: { pool },
  };
}

function address(
  spec: Partial<Metal3IPAddress['spec']>,
  annotations?: Record<string, string>,
): Metal3IPAddress {
  return {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPAddress',
    metadata: { name: 'abc-192-168-0-1', namespace: 'foo', ...(annotations ? { annotations } : {}) },
    spec: { claim: { name: 'c' }, pool: { name: 'p' }, address: '192.168.0.1', ...spec },
  };
}

const NOT_IP = 'is not a valid IP address';

describe('IPClaim create (upstream TestIPClaimCreateValidation / TestIPClaimAnnotationValidation)', () => {
  it.each<[string, ObjectReference, Record<string, string> | undefined, string[]]>([
    ['ipPool is correct', { name: 'abc' }, undefined, []],
    ['without ipPool', {}, undefined, ['spec.pool.name: Invalid value: "": cannot be empty']],
    [
      'without ipPool name',
      { namespace: 'abc' },
      undefined,
      ['spec.pool.name: Invalid value: "": cannot be empty'],
    ],
    ['valid IPv4 annotation', { name: 'test-pool' }, { ipAddress: '192.168.1.50' }, []],
    ['valid IPv6 annotation', { name: 'test-pool' }, { ipAddress: 'fe80::1' }, []],
    [
      'malformed annotation',
      { name: 'test-pool' },
      { ipAddress: 'not-an-ip' },
      [`metadata.annotations.ipAddress: Invalid value: "not-an-ip": ${NOT_IP}`],
    ],
    [
      'invalid IP format',
      { name: 'test-pool' },
      { ipAddress: '999.999.999.999' },
      [`metadata.annotations.ipAddress: Invalid value: "999.999.999.999": ${NOT_IP}`],
    ],
    ['no annotation', { name: 'test-pool' }, {}, []],
    ['empty annotation', { name: 'test-pool' }, { ipAddress: '' }, []],
    [
      'annotation values are Go strings: %q, not JSON',
      { name: 'p' },
      { ipAddress: '<x>' },
      [`metadata.annotations.ipAddress: Invalid value: "<x>": ${NOT_IP}`],
    ],
    [
      'both errors',
      {},
      { ipAddress: '2001:db8::g' },
      [
        'spec.pool.name: Invalid value: "": cannot be empty',
        `metadata.annotations.ipAddress: Invalid value: "2001:db8::g": ${NOT_IP}`,
      ],
    ],
  ])('%s', (_name, pool, annotations, expected) => {
    expect(lines(validateIPClaimCreate(claim(pool, annotations)))).toEqual(expected);
  });
});

describe('IPClaim update (upstream TestIPClaimUpdateValidation / TestIPClaimAnnotationUpdateValidation)', () => {
  it.each<[string, ObjectReference, ObjectReference, Record<string, string> | undefined, string[]]>([
    ['same values', { name: 'abc' }, { name: 'abc' }, undefined, []],
    ['pool unset', {}, { name: 'abc' }, undefined, ['spec.pool: Invalid value: {}: cannot be modified']],
    [
      'pool name changes',
      { name: 'abc' },
      { name: 'abcd' },
      undefined,
      ['spec.pool: Invalid value: {"name":"abc"}: cannot be modified'],
    ],
    [
      'pool namespace changes',
      { name: 'abc', namespace: 'abc' },
      { name: 'abc', namespace: 'abcd' },
      undefined,
      ['spec.pool: Invalid value: {"namespace":"abc","name":"abc"}: cannot be modified'],
    ],
    [
      'pool kind changes',
      { name: 'abc', kind: 'abc' },
      { name: 'abc', kind: 'abcd' },
      undefined,
      ['spec.pool: Invalid value: {"kind":"abc","name":"abc"}: cannot be modified'],
    ],
    [
      'apiVersion may change',
      { name: 'abc', apiVersion: 'x/v2' },
      { name: 'abc', apiVersion: 'x/v1' },
      undefined,
      [],
    ],
    [
      'updating to a valid annotation',
      { name: 'test-pool' },
      { name: 'test-pool' },
      { ipAddress: '192.168.1.75' },
      [],
    ],
    [
      'updating to a malformed annotation',
      { name: 'test-pool' },
      { name: 'test-pool' },
      { ipAddress: 'invalid-ip-addr' },
      [`metadata.annotations.ipAddress: Invalid value: "invalid-ip-addr": ${NOT_IP}`],
    ],
    [
      'updating to an invalid IP format',
      { name: 'test-pool' },
      { name: 'test-pool' },
      { ipAddress: '300.300.300.300' },
      [`metadata.annotations.ipAddress: Invalid value: "300.300.300.300": ${NOT_IP}`],
    ],
    ['removing the annotation', { name: 'test-pool' }, { name: 'test-pool' }, {}, []],
  ])('%s', (_name, newPool, oldPool, newAnnotations, expected) => {
    const oldClaim = claim(oldPool, { ipAddress: '192.168.1.50' });
    expect(lines(validateIPClaimUpdate(oldClaim, claim(newPool, newAnnotations)))).toEqual(expected);
  });
});

describe('IPAddress create', () => {
  it.each<[string, Partial<Metal3IPAddress['spec']>, Record<string, string> | undefined, string[]]>([
    ['valid IPv4', {}, undefined, []],
    ['valid IPv6', { address: '2001:db8::1' }, undefined, []],
    [
      'empty pool name',
      { pool: { namespace: 'foo' } },
      undefined,
      ['spec.pool.name: Invalid value: "": cannot be empty'],
    ],
    ['empty claim name', { claim: {} }, undefined, ['spec.claim.name: Invalid value: "": cannot be empty']],
    ['empty address', { address: '' }, undefined, ['spec.address: Invalid value: "": cannot be empty']],
    [
      'invalid IPv4 address',
      { address: '192.168.0.256' },
      undefined,
      [`spec.address: Invalid value: "192.168.0.256": ${NOT_IP}`],
    ],
    [
      'invalid IPv6 address',
      { address: '2001:db8:::1' },
      undefined,
      [`spec.address: Invalid value: "2001:db8:::1": ${NOT_IP}`],
    ],
    [
      'invalid annotation',
      {},
      { ipAddress: 'x' },
      [`metadata.annotations.ipAddress: Invalid value: "x": ${NOT_IP}`],
    ],
    [
      'everything wrong, in upstream order',
      { pool: {}, claim: {}, address: 'bad' },
      { ipAddress: 'bad' },
      [
        'spec.pool.name: Invalid value: "": cannot be empty',
        'spec.claim.name: Invalid value: "": cannot be empty',
        `spec.address: Invalid value: "bad": ${NOT_IP}`,
        `metadata.annotations.ipAddress: Invalid value: "bad": ${NOT_IP}`,
      ],
    ],
  ])('%s', (_name, spec, annotations, expected) => {
    expect(lines(validateIPAddressCreate(address(spec, annotations)))).toEqual(expected);
  });
});

describe('IPAddress update', () => {
  it.each<[string, Partial<Metal3IPAddress['spec']>, string[]]>([
    ['unchanged', {}, []],
    [
      'prefix, gateway and dnsServers stay mutable',
      { prefix: 24, gateway: '192.168.0.254', dnsServers: ['8.8.8.8'] },
      [],
    ],
    [
      'address changes',
      { address: '192.168.0.2' },
      ['spec.address: Invalid value: "192.168.0.2": cannot be modified'],
    ],
    [
      'IPv6 address text changes',
      { address: '2001:db8::1' },
      ['spec.address: Invalid value: "2001:db8::1": cannot be modified'],
    ],
    [
      'pool name changes',
      { pool: { name: 'q' } },
      ['spec.pool: Invalid value: {"name":"q"}: cannot be modified'],
    ],
    [
      'pool namespace changes',
      { pool: { name: 'p', namespace: 'bar' } },
      ['spec.pool: Invalid value: {"namespace":"bar","name":"p"}: cannot be modified'],
    ],
    [
      'pool kind changes',
      { pool: { name: 'p', kind: 'IPPool' } },
      ['spec.pool: Invalid value: {"kind":"IPPool","name":"p"}: cannot be modified'],
    ],
    [
      'claim name changes',
      { claim: { name: 'd' } },
      ['spec.claim: Invalid value: {"name":"d"}: cannot be modified'],
    ],
    [
      'all three',
      { address: '10.0.0.1', pool: { name: 'q' }, claim: { name: 'd' } },
      [
        'spec.address: Invalid value: "10.0.0.1": cannot be modified',
        'spec.pool: Invalid value: {"name":"q"}: cannot be modified',
        'spec.claim: Invalid value: {"name":"d"}: cannot be modified',
      ],
    ],
  ])('%s', (_name, newSpec, expected) => {
    expect(lines(validateIPAddressUpdate(address({}), address(newSpec)))).toEqual(expected);
  });
});

describe('objectReferenceJSON (corev1.ObjectReference field order, omitempty)', () => {
  it('orders fields as the Go struct and drops empty ones', () => {
    const ref = { name: 'n', apiVersion: 'v1', namespace: 'ns', kind: 'K', uid: 'u' };
    expect(Object.keys(objectReferenceJSON(ref))).toEqual(['kind', 'namespace', 'name', 'uid', 'apiVersion']);
    expect(objectReferenceJSON({ name: 'n', namespace: '' })).toEqual({ name: 'n' });
  });
});
