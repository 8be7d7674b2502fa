// Address ordering shared by the renderers: numeric order, IPv4 before IPv6, no duplicates, so
// every export is byte-stable for the same state (consumers diff or hash them).
import { compareIP, parseIP, type IP } from '@stableip/ipam-core';
import { ExportError } from './errors';
import type { HostAddress } from './types';

function parsed(address: string): IP {
  const ip = parseIP(address);
  if (ip === undefined) throw new ExportError('INVALID_ADDRESS', `"${address}" is not an IP address`);
  return ip;
}

/** Distinct addresses of one family in numeric order. */
export function sortedAddresses(addresses: Iterable<string>): string[] {
  const byText = new Map<string, IP>();
  for (const address of addresses) byText.set(address, parsed(address));
  return [...byText.entries()].sort((a, b) => compareIP(a[1], b[1])).map(([text]) => text);
}

export function addressesOfFamily(addresses: readonly HostAddress[], family: 4 | 6): string[] {
  return sortedAddresses(addresses.filter((entry) => entry.family === family).map((entry) => entry.address));
}
