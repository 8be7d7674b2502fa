import { describe, expect, it } from 'vitest';
import type { BareMetalHost, Metal3Data, Metal3Machine, NetworkData } from '../api/types';
import { type PoolAddress, renderMetaData, renderNetworkData, translateMask } from './render';

const addresses = new Map<string, PoolAddress>([
  ['v4', { address: '192.168.1.10', prefix: 24, gateway: '192.168.1.1', dnsServers: ['8.8.8.8'] }],
  ['v6', { address: 'fd00::10', prefix: 64, gateway: 'fd00::1', dnsServers: ['fd00::53'] }],
]);
const host: BareMetalHost = {
  apiVersion: 'metal3.io/v1alpha1',
  kind: 'BareMetalHost',
  metadata: { name: 'node-0', namespace: 'ns', labels: { rack: 'r1' }, annotations: { pool: 'v4' } },
  status: { hardwareDetails: { nics: [{ name: 'eth0', mac: '00:11:22:33:44:55' }] } },
};
const machine: Metal3Machine = {
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
  kind: 'Metal3Machine',
  metadata: { name: 'm3m-a', namespace: 'ns', annotations: { 'metal3.io/BareMetalHost': 'ns/node-0' } },
};
const data: Metal3Data = {
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
  kind: 'Metal3Data',
  metadata: { name: 'tmpl-3', namespace: 'ns' },
  spec: { index: 3, template: { name: 'tmpl' }, claim: { name: 'm3m-a' } },
};
const objects = { metal3Machine: machine, bareMetalHost: host };

describe('translateMask', () => {
  it.each([
    [24, true, '255.255.255.0'],
    [32, true, '255.255.255.255'],
    [0, true, '0.0.0.0'],
    [undefined, true, '0.0.0.0'],
    [20, true, '255.255.240.0'],
    [64, false, 'ffff:ffff:ffff:ffff::'],
    [0, false, '::'],
    [128, false, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    [33, true, ''],
  ])('prefix %s (ipv4 %s) → %s', (prefix, ipv4, mask) => {
    expect(translateMask(prefix, ipv4)).toBe(mask);
  });
});

describe('renderNetworkData', () => {
  it('renders static networks, routes, DNS services and links like upstream', () => {
    const networkData: NetworkData = {
      links: {
        ethernets: [{ type: 'phy', id: 'enp1s0', macAddress: { fromHostInterface: 'eth0' } }],
        vlans: [
          {
            id: 'vlan1',
            mtu: 9000,
            vlanID: 10,
            vlanLink: 'enp1s0',
            macAddress: { string: 'aa:bb:cc:dd:ee:ff' },
          },
        ],
      },
      networks: {
        ipv4: [
          {
            id: 'prov',
            link: 'enp1s0',
            ipAddressFromIPPool: 'v4',
            routes: [
              {
                network: '0.0.0.0',
                prefix: 0,
                gateway: { fromIPPool: 'v4' },
                services: { dns: ['1.1.1.1'], dnsFromIPPool: 'v4' },
              },
              { network: '10.0.0.0', prefix: 8, gateway: { string: '192.168.1.254', fromIPPool: 'v4' } },
            ],
          },
        ],
        ipv6: [{ id: 'v6net', link: 'enp1s0', fromPoolRef: { name: 'v6' } }],
        ipv4DHCP: [{ id: 'dhcp', link: 'enp2s0' }],
      },
      services: { dns: ['9.9.9.9'], dnsFromIPPool: 'v6' },
    };
    const result = renderNetworkData(networkData, addresses, objects);
    expect(result).toEqual({
      ok: true,
      value: {
        links: [
          { type: 'phy', id: 'enp1s0', mtu: 1500, ethernet_mac_address: '00:11:22:33:44:55' },
          {
            type: 'vlan',
            id: 'vlan1',
            mtu: 9000,
            vlan_mac_address: 'aa:bb:cc:dd:ee:ff',
            vlan_id: 10,
            vlan_link: 'enp1s0',
          },
        ],
        networks: [
          {
            type: 'ipv4',
            id: 'prov',
            link: 'enp1s0',
            netmask: '255.255.255.0',
            ip_address: '192.168.1.10',
            routes: [
              {
                network: '0.0.0.0',
                netmask: '0.0.0.0',
                gateway: '192.168.1.1',
                services: [
                  { type: 'dns', address: '1.1.1.1' },
                  { type: 'dns', address: '8.8.8.8' },
                ],
              },
              { network: '10.0.0.0', netmask: '255.0.0.0', gateway: '192.168.1.254', services: [] },
            ],
          },
          {
            type: 'ipv6',
            id: 'v6net',
            link: 'enp1s0',
            netmask: 'ffff:ffff:ffff:ffff::',
            ip_address: 'fd00::10',
            routes: [],
          },
          { type: 'ipv4_dhcp', id: 'dhcp', link: 'enp2s0', routes: [] },
        ],
        services: [
          { type: 'dns', address: '9.9.9.9' },
          { type: 'dns', address: 'fd00::53' },
        ],
      },
    });
  });

  it.each([
    [
      'static network pool missing',
      { networks: { ipv4: [{ id: 'a', link: 'l', ipAddressFromIPPool: 'nope' }] } },
      'Pool not found in cache',
    ],
    [
      'route gateway pool missing',
      { networks: { ipv4DHCP: [{ id: 'a', link: 'l', routes: [{ gateway: { fromIPPool: 'nope' } }] }] } },
      'Failed to fetch pool from cache',
    ],
    ['top-level DNS pool missing', { services: { dnsFromIPPool: 'nope' } }, 'Pool not found in cache'],
    [
      'annotation-selected pool resolves to an absent one',
      {
        networks: {
          ipv4: [
            { id: 'a', link: 'l', fromPoolAnnotation: { object: 'baremetalhost', annotation: 'missing' } },
          ],
        },
      },
      'Pool not found in cache',
    ],
    [
      'bad MAC',
      { links: { ethernets: [{ type: 'phy', id: 'x', macAddress: { string: 'zz' } }] } },
      'bad MAC address: zz',
    ],
    [
      'NIC missing',
      { links: { ethernets: [{ type: 'phy', id: 'x', macAddress: { fromHostInterface: 'eth9' } }] } },
      'NIC name not found eth9',
    ],
    [
      'bond parameter shadowing a structured one',
      {
        links: {
          bonds: [
            {
              id: 'b0',
              bondMode: 'active-backup',
              macAddress: { string: '00:11:22:33:44:55' },
              parameters: { mode: 'x', miimon: 100 },
            },
          ],
        },
      },
      'illegal params "mode" into bond params blob into link id=b0',
    ],
  ])('%s → %s', (_name, networkData, message) => {
    const result = renderNetworkData(networkData as NetworkData, addresses, objects);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe(message);
  });

  it('resolves fromPoolAnnotation against the host', () => {
    const result = renderNetworkData(
      {
        networks: {
          ipv4: [{ id: 'a', link: 'l', fromPoolAnnotation: { object: 'BareMetalHost', annotation: 'pool' } }],
        },
      },
      addresses,
      objects,
    );
    expect(result.ok && result.value?.networks[0]?.['ip_address']).toBe('192.168.1.10');
  });

  it('needs no secret without networkData', () => {
    expect(renderNetworkData(undefined, addresses, objects)).toEqual({ ok: true, value: undefined });
  });
});

describe('renderMetaData', () => {
  it('renders pool sections, indexes, names, labels, strings and providerid', () => {
    const result = renderMetaData({
      metaData: {
        ipAddressesFromPool: [{ key: 'ip', name: 'v4' }],
        prefixesFromPool: [{ key: 'prefix', name: 'v4' }],
        gatewaysFromPool: [{ key: 'gw', name: 'v4' }],
        dnsServersFromPool: [{ key: 'dns', name: 'v4' }],
        indexes: [
          { key: 'hostname', prefix: 'node-', offset: 10, step: 2, suffix: '.lab' },
          { key: 'plain', step: 0 },
        ],
        namespaces: [{ key: 'ns' }],
        objectNames: [{ key: 'host', object: 'BareMetalHost' }],
        fromLabels: [{ key: 'rack', object: 'baremetalhost', label: 'rack' }],
        fromHostInterfaces: [{ key: 'mac', interface: 'eth0' }],
        strings: [{ key: 'greeting', value: 'hi' }],
      },
      metal3Data: data,
      metal3Machine: machine,
      bareMetalHost: host,
      addresses,
    });
    expect(result).toEqual({
      ok: true,
      value: {
        ip: '192.168.1.10',
        prefix: '24',
        gw: '192.168.1.1',
        hostname: 'node-16.lab',
        plain: '3',
        ns: 'ns',
        host: 'node-0',
        rack: 'r1',
        mac: '00:11:22:33:44:55',
        greeting: 'hi',
        providerid: 'ns/node-0/m3m-a',
      },
    });
  });

  it.each([
    [{ ipAddressesFromPool: [{ key: 'ip', name: 'nope' }] }, 'Pool not found in cache'],
    [{ objectNames: [{ key: 'x', object: 'pod' }] }, 'Unknown object type'],
    [
      { fromAnnotations: [{ key: 'x', object: 'machine', annotation: 'a' }] },
      'machine is nil but referenced in annotation a',
    ],
  ])('%j fails with %s', (metaData, message) => {
    const result = renderMetaData({
      metaData,
      metal3Data: data,
      metal3Machine: machine,
      bareMetalHost: host,
      addresses,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe(message);
  });
});
