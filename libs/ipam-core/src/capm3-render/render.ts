// CAPM3's rendering of a Metal3Data's two secrets (baremetal/metal3data_manager.go renderMetaData,
// renderNetworkData and helpers): pure functions from the template, the chain objects and the
// addresses read back per pool, to the documents that go into `<m3m>-metadata` (key `metaData`)
// and `<m3m>-networkdata` (key `networkData`). Serialising to YAML is the caller's job (upstream
// marshals with sorted keys); errors carry upstream's texts.
import { formatIP, IPV4_MAPPED_BASE, IPV6_MAX } from '../ip/ip';
import {
  type BareMetalHost,
  type FromPoolAnnotation,
  type Machine,
  type Metal3Data,
  type Metal3Machine,
  type NetworkData,
  type NetworkRoute,
} from '../api/types';
import { annotationValue, type AnnotationSources } from '../naming/pools';

/** What a claim's IPAddress contributed (upstream's addressFromPool), keyed by pool name. */
export interface PoolAddress {
  address: string;
  prefix?: number;
  gateway?: string;
  dnsServers?: string[];
}

export type RenderErrorCode =
  | 'PoolNotFound'
  | 'PoolFetchFailed'
  | 'NicsNotPopulated'
  | 'NicNotFound'
  | 'UnknownObjectType'
  | 'AnnotationObjectMissing'
  | 'NoMacAddress'
  | 'BadMacAddress'
  | 'IllegalBondParameters';

export interface RenderError {
  code: RenderErrorCode;
  message: string;
}

export type RenderResult<T> = { ok: true; value: T } | { ok: false; error: RenderError };

/** Thrown inside this module only, turned into a RenderResult at the public boundary. */
class RenderFailure extends Error {
  constructor(readonly renderError: RenderError) {
    super(renderError.message);
  }
}

const fail = (code: RenderErrorCode, message: string): never => {
  throw new RenderFailure({ code, message });
};

function capture<T>(render: () => T): RenderResult<T> {
  try {
    return { ok: true, value: render() };
  } catch (error) {
    if (error instanceof RenderFailure) return { ok: false, error: error.renderError };
    throw error;
  }
}

/**
 * translateMask: a prefix length as a dotted IPv4 mask (24 → 255.255.255.0) or an IPv6 mask
 * (64 → ffff:ffff:ffff:ffff::). Out-of-range prefixes render as '' (Go would print garbage).
 */
export function translateMask(prefix: number | undefined, ipv4: boolean): string {
  const length = prefix ?? 0;
  const bits = ipv4 ? 32 : 128;
  if (!Number.isInteger(length) || length < 0 || length > bits) return '';
  const all = (1n << BigInt(bits)) - 1n;
  const mask = (all << BigInt(bits - length)) & all;
  return formatIP(ipv4 ? IPV4_MAPPED_BASE | mask : mask & IPV6_MAX);
}

function poolOf(
  addresses: ReadonlyMap<string, PoolAddress>,
  name: string | undefined,
  code: RenderErrorCode,
) {
  const found = name === undefined ? undefined : addresses.get(name);
  return (
    found ??
    fail(code, code === 'PoolNotFound' ? 'Pool not found in cache' : 'Failed to fetch pool from cache')
  );
}

/** getValueFromAnnotation as the renderer uses it: a missing annotation is '' (no error). */
function annotation(source: FromPoolAnnotation, objects: AnnotationSources): string {
  const value = annotationValue(source.object, source.annotation, objects);
  if (typeof value === 'string') return value;
  return fail(
    value.code === 'UnknownObjectType' ? 'UnknownObjectType' : 'AnnotationObjectMissing',
    value.code === 'UnknownObjectType' ? 'Unknown object type' : value.message,
  );
}

const dnsEntries = (servers: readonly string[] | undefined) =>
  (servers ?? []).map((address) => ({ type: 'dns', address }));

function renderRoutes(
  routes: readonly NetworkRoute[] | undefined,
  ipv4: boolean,
  addresses: ReadonlyMap<string, PoolAddress>,
  objects: AnnotationSources,
): RenderedRoute[] {
  return (routes ?? []).map((route) => {
    const via = route.gateway ?? {};
    let gateway = '';
    if (via.string !== undefined && via.string !== null) gateway = via.string;
    else if (via.fromPoolAnnotation)
      gateway =
        poolOf(addresses, annotation(via.fromPoolAnnotation, objects), 'PoolFetchFailed').gateway ?? '';
    else if (via.fromPoolRef?.name)
      gateway = poolOf(addresses, via.fromPoolRef.name, 'PoolFetchFailed').gateway ?? '';
    else if (via.fromIPPool !== undefined && via.fromIPPool !== null)
      gateway = poolOf(addresses, via.fromIPPool, 'PoolFetchFailed').gateway ?? '';
    const services = dnsEntries(route.services?.dns);
    const dnsPool = route.services?.dnsFromIPPool;
    if (dnsPool !== undefined && dnsPool !== null)
      services.push(...dnsEntries(poolOf(addresses, dnsPool, 'PoolNotFound').dnsServers));
    return { network: route.network ?? '', netmask: translateMask(route.prefix, ipv4), gateway, services };
  });
}

export interface RenderedRoute {
  network: string;
  netmask: string;
  gateway: string;
  services: Array<{ type: string; address: string }>;
}

/** The networkData document: `{links, networks, services}` as upstream marshals it. */
export interface NetworkDataDocument {
  links: Array<Record<string, unknown>>;
  networks: Array<Record<string, unknown>>;
  services: Array<{ type: string; address: string }>;
}

interface MacAddressSource {
  string?: string;
  fromHostInterface?: string;
  fromAnnotation?: FromPoolAnnotation;
}

interface LinkBase {
  id: string;
  mtu?: number;
  macAddress?: MacAddressSource;
}

interface Links {
  ethernets?: Array<LinkBase & { type?: string }>;
  bonds?: Array<
    LinkBase & {
      bondMode?: string;
      bondXmitHashPolicy?: string;
      bondLinks?: string[];
      parameters?: Record<string, unknown>;
    }
  >;
  vlans?: Array<LinkBase & { vlanID?: number; vlanLink?: string }>;
}

/** The MTU default of CAPM3's CRD (the API server fills it in; objects built by hand may lack it). */
const DEFAULT_MTU = 1500;
const MAC_PATTERN = /^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$/;

/** getBMHMacByName: the MAC of a NIC from the host's hardware inventory. */
export function hostNicMac(name: string, host: BareMetalHost | undefined): string {
  const nics = (
    host?.status?.['hardwareDetails'] as { nics?: Array<{ name?: string; mac?: string }> } | undefined
  )?.nics;
  if (!nics) return fail('NicsNotPopulated', 'NICs list not populated');
  const nic = nics.find((candidate) => candidate.name === name);
  if (!nic) return fail('NicNotFound', `NIC name not found ${name}`);
  return nic.mac ?? '';
}

function linkMac(source: MacAddressSource | undefined, objects: AnnotationSources): string {
  let mac: string | undefined;
  if (source?.string !== undefined && source.string !== null) mac = source.string;
  else if (source?.fromHostInterface !== undefined)
    mac = hostNicMac(source.fromHostInterface, objects.bareMetalHost);
  else if (source?.fromAnnotation) mac = annotation(source.fromAnnotation, objects);
  if (mac === undefined) return fail('NoMacAddress', 'no MAC address given');
  if (!MAC_PATTERN.test(mac)) return fail('BadMacAddress', `bad MAC address: ${mac}`);
  return mac;
}

function renderLinks(links: Links | undefined, objects: AnnotationSources): Array<Record<string, unknown>> {
  const rendered: Array<Record<string, unknown>> = [];
  for (const link of links?.bonds ?? []) {
    const entry: Record<string, unknown> = {
      type: 'bond',
      id: link.id,
      mtu: link.mtu ?? DEFAULT_MTU,
      ethernet_mac_address: linkMac(link.macAddress, objects),
      bond_mode: link.bondMode ?? '',
      bond_xmit_hash_policy: link.bondXmitHashPolicy ?? '',
      bond_links: link.bondLinks ?? [],
    };
    const illegal: string[] = [];
    for (const [option, value] of Object.entries(link.parameters ?? {})) {
      const target = `bond_${option}`;
      if (target in entry) illegal.push(option);
      else entry[target] = value;
    }
    if (illegal.length > 0)
      fail(
        'IllegalBondParameters',
        `illegal params "${illegal.sort().join('", "')}" into bond params blob into link id=${link.id}`,
      );
    rendered.push(entry);
  }
  for (const link of links?.ethernets ?? []) {
    rendered.push({
      type: link.type ?? '',
      id: link.id,
      mtu: link.mtu ?? DEFAULT_MTU,
      ethernet_mac_address: linkMac(link.macAddress, objects),
    });
  }
  for (const link of links?.vlans ?? []) {
    rendered.push({
      type: 'vlan',
      id: link.id,
      mtu: link.mtu ?? DEFAULT_MTU,
      vlan_mac_address: linkMac(link.macAddress, objects),
      vlan_id: link.vlanID ?? 0,
      vlan_link: link.vlanLink ?? '',
    });
  }
  return rendered;
}

/**
 * renderNetworkData. `undefined` when the template has no networkData (no secret is needed).
 * Static networks take their pool from fromPoolAnnotation, else fromPoolRef, else
 * ipAddressFromIPPool, and render `ip_address` and `netmask`; DHCP/SLAAC entries only routes.
 */
export function renderNetworkData(
  networkData: NetworkData | undefined,
  addresses: ReadonlyMap<string, PoolAddress>,
  objects: AnnotationSources,
): RenderResult<NetworkDataDocument | undefined> {
  return capture(() => {
    if (!networkData) return undefined;
    const networks: Array<Record<string, unknown>> = [];
    const statics = [
      ...(networkData.networks?.ipv4 ?? []).map((network) => ({ network, ipv4: true })),
      ...(networkData.networks?.ipv6 ?? []).map((network) => ({ network, ipv4: false })),
    ];
    for (const { network, ipv4 } of statics) {
      const poolName = network.fromPoolAnnotation
        ? annotation(network.fromPoolAnnotation, objects)
        : network.fromPoolRef?.name
          ? network.fromPoolRef.name
          : network.ipAddressFromIPPool;
      const pool = poolOf(addresses, poolName, 'PoolNotFound');
      networks.push({
        type: ipv4 ? 'ipv4' : 'ipv6',
        id: network.id,
        link: network.link,
        netmask: translateMask(pool.prefix, ipv4),
        ip_address: pool.address,
        routes: renderRoutes(network.routes, ipv4, addresses, objects),
      });
    }
    for (const [type, ipv4, list] of [
      ['ipv4_dhcp', true, networkData.networks?.ipv4DHCP],
      ['ipv6_dhcp', false, networkData.networks?.ipv6DHCP],
      ['ipv6_slaac', false, networkData.networks?.ipv6SLAAC],
    ] as const) {
      for (const network of list ?? []) {
        networks.push({
          type,
          id: network.id,
          link: network.link,
          routes: renderRoutes(network.routes, ipv4, addresses, objects),
        });
      }
    }
    const services = dnsEntries(networkData.services?.dns);
    const dnsPool = networkData.services?.dnsFromIPPool;
    if (dnsPool !== undefined && dnsPool !== null)
      services.push(...dnsEntries(poolOf(addresses, dnsPool, 'PoolNotFound').dnsServers));
    return { links: renderLinks(networkData.links as Links | undefined, objects), networks, services };
  });
}

interface KeyedEntry {
  key: string;
}

interface MetaDataSections {
  fromHostInterfaces?: Array<KeyedEntry & { interface: string }>;
  ipAddressesFromPool?: Array<KeyedEntry & { name: string }>;
  prefixesFromPool?: Array<KeyedEntry & { name: string }>;
  gatewaysFromPool?: Array<KeyedEntry & { name: string }>;
  indexes?: Array<KeyedEntry & { offset?: number; step?: number; prefix?: string; suffix?: string }>;
  namespaces?: KeyedEntry[];
  objectNames?: Array<KeyedEntry & { object: string }>;
  fromLabels?: Array<KeyedEntry & { object: string; label: string }>;
  fromAnnotations?: Array<KeyedEntry & { object: string; annotation: string }>;
  strings?: Array<KeyedEntry & { value: string }>;
}

export interface MetaDataInput {
  metaData: Record<string, unknown> | undefined;
  metal3Data: Pick<Metal3Data, 'metadata' | 'spec'>;
  metal3Machine: Pick<Metal3Machine, 'metadata'>;
  machine?: Pick<Machine, 'metadata'>;
  bareMetalHost: Pick<BareMetalHost, 'metadata' | 'status'>;
  addresses: ReadonlyMap<string, PoolAddress>;
}

function objectOf(kind: string, input: MetaDataInput) {
  switch (kind.toLowerCase()) {
    case 'metal3machine':
      return input.metal3Machine;
    case 'machine':
      return input.machine;
    case 'baremetalhost':
      return input.bareMetalHost;
    default:
      return fail('UnknownObjectType', 'Unknown object type');
  }
}

/**
 * renderMetaData: a string map (later keys overwrite earlier ones in upstream's section order),
 * always ending with `providerid` = `<namespace>/<bmh>/<m3m>`. `dnsServersFromPool` renders
 * nothing (its claim is still made). `undefined` when the template has no metaData.
 */
export function renderMetaData(input: MetaDataInput): RenderResult<Record<string, string> | undefined> {
  return capture(() => {
    const sections = input.metaData as MetaDataSections | undefined;
    if (!sections) return undefined;
    const objects: AnnotationSources = {
      metal3Machine: input.metal3Machine as Metal3Machine,
      bareMetalHost: input.bareMetalHost as BareMetalHost,
      ...(input.machine ? { machine: input.machine as Machine } : {}),
    };
    const out: Record<string, string> = {};
    for (const entry of sections.fromHostInterfaces ?? [])
      out[entry.key] = hostNicMac(entry.interface, input.bareMetalHost as BareMetalHost);
    for (const entry of sections.ipAddressesFromPool ?? [])
      out[entry.key] = poolOf(input.addresses, entry.name, 'PoolNotFound').address;
    for (const entry of sections.prefixesFromPool ?? [])
      out[entry.key] = String(poolOf(input.addresses, entry.name, 'PoolNotFound').prefix ?? 0);
    for (const entry of sections.gatewaysFromPool ?? [])
      out[entry.key] = poolOf(input.addresses, entry.name, 'PoolNotFound').gateway ?? '';
    const index = input.metal3Data.spec?.index ?? 0;
    for (const entry of sections.indexes ?? []) {
      const step = entry.step || 1;
      out[entry.key] = `${entry.prefix ?? ''}${(entry.offset ?? 0) + index * step}${entry.suffix ?? ''}`;
    }
    for (const entry of sections.namespaces ?? []) out[entry.key] = input.metal3Data.metadata.namespace ?? '';
    for (const entry of sections.objectNames ?? [])
      out[entry.key] = objectOf(entry.object, input)?.metadata.name ?? '';
    for (const entry of sections.fromLabels ?? [])
      out[entry.key] = objectOf(entry.object, input)?.metadata.labels?.[entry.label] ?? '';
    for (const entry of sections.fromAnnotations ?? []) out[entry.key] = annotation(entry, objects);
    for (const entry of sections.strings ?? []) out[entry.key] = entry.value;
    out['providerid'] =
      `${input.metal3Machine.metadata.namespace ?? ''}/${input.bareMetalHost.metadata.name ?? ''}/${input.metal3Machine.metadata.name ?? ''}`;
    return out;
  });
}
