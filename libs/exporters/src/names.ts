// Host names from templates, Kubernetes object names and label values, nftables identifiers.
import { createHash } from 'node:crypto';
import { parseIP } from '@stableip/ipam-core';
import { ExportError } from './errors';

export interface HostTemplateValues {
  bmh: string;
  cluster: string;
  namespace: string;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN_PLACEHOLDERS = new Set<string>(['bmh', 'cluster', 'namespace']);

/** Throws INVALID_TEMPLATE unless every `{placeholder}` is one of {bmh}, {cluster}, {namespace}. */
export function validateHostTemplate(template: string): void {
  if (template.trim() === '') throw new ExportError('INVALID_TEMPLATE', 'the host name template is empty');
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!KNOWN_PLACEHOLDERS.has(name)) {
      throw new ExportError(
        'INVALID_TEMPLATE',
        `unknown placeholder {${name}} in host name template "${template}" (known: {bmh}, {cluster}, {namespace})`,
      );
    }
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) {
    throw new ExportError('INVALID_TEMPLATE', `unbalanced braces in host name template "${template}"`);
  }
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A fully qualified host name (no trailing dot): RFC 1123 labels, at most 253 characters. */
export function isDnsName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => DNS_LABEL.test(label));
}

/** Fills the `{bmh}`, `{cluster}` and `{namespace}` placeholders of a checked template. */
export function fillTemplate(template: string, values: HostTemplateValues): string {
  validateHostTemplate(template);
  return template.replace(PLACEHOLDER, (_, key: string) => values[key as keyof HostTemplateValues]);
}

/** Renders e.g. `{bmh}.{cluster}.example.com` for one host; the result is lower-case and checked. */
export function renderHostName(template: string, values: HostTemplateValues): string {
  const name = fillTemplate(template, values).toLowerCase().replace(/\.$/, '');
  if (!isDnsName(name)) {
    throw new ExportError(
      'INVALID_NAME',
      `host name "${name}" (from template "${template}") is not a DNS name`,
    );
  }
  return name;
}

function shortHash(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 8);
}

/** Cuts `text` to `max` characters, ending in a hash of `parts` when it had to cut (stays unique). */
function bounded(text: string, max: number, parts: readonly string[]): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 9).replace(/[^a-z0-9A-Z]+$/, '')}-${shortHash(parts)}`;
}

/**
 * A Kubernetes object name (DNS-1123 subdomain) from free text: lower-case, other characters to
 * '-', at most 253 characters (a cut name ends in a hash of the parts, so it stays unique).
 */
export function objectName(...parts: string[]): string {
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (name === '')
    throw new ExportError('INVALID_NAME', `cannot derive an object name from "${parts.join('-')}"`);
  return bounded(name, 253, parts);
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * A label value for a name: as is when it is a valid label value (at most 63 characters), else
 * cut and suffixed with a hash. BareMetalHost and cluster names may be up to 253 characters long,
 * which the API server rejects in a label.
 */
export function labelValue(name: string): string {
  if (name.length <= 63 && LABEL_VALUE.test(name)) return name;
  const cleaned = name.replace(/[^-A-Za-z0-9_.]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return bounded(cleaned === '' ? 'x' : cleaned, 63, [name]);
}

/** An nftables identifier: letters, digits and '_' only, starting with a letter. */
export function nftIdentifier(...parts: string[]): string {
  const body = parts.join('_').replace(/[^A-Za-z0-9_]+/g, '_');
  const name = /^[A-Za-z]/.test(body) ? body : `s_${body}`;
  return name.slice(0, 255);
}

/** The reverse-DNS name of an address: `d.c.b.a.in-addr.arpa` or the nibble form under `ip6.arpa`. */
export function reverseDnsName(address: string): string {
  const ip = parseIP(address);
  if (ip === undefined) throw new ExportError('INVALID_ADDRESS', `"${address}" is not an IP address`);
  if (ip.family === 4) {
    const v4 = Number(ip.value & 0xffff_ffffn);
    return `${v4 & 0xff}.${(v4 >>> 8) & 0xff}.${(v4 >>> 16) & 0xff}.${v4 >>> 24}.in-addr.arpa`;
  }
  const hex = ip.value.toString(16).padStart(32, '0');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}

/** A host route for an address: /32 for IPv4, /128 for IPv6. */
export function hostCidr(address: string): string {
  const ip = parseIP(address);
  if (ip === undefined) throw new ExportError('INVALID_ADDRESS', `"${address}" is not an IP address`);
  return `${address}/${ip.family === 4 ? 32 : 128}`;
}
