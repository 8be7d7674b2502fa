// cert-manager: per host the SANs ({dnsNames, ipAddresses}) and ready Certificate objects.
import { addressesOfFamily } from './addresses';
import { ExportError } from './errors';
import { objectName, renderHostName } from './names';
import { LABEL_CLUSTER, LABEL_HOST, LABEL_MANAGED_BY, MANAGED_BY, type ExportHost } from './types';

export interface CertificateSubject {
  cluster: string;
  namespace: string;
  host: string;
  dnsNames: string[];
  /** IPv4 first, then IPv6, each in numeric order. */
  ipAddresses: string[];
}

export interface CertificateSubjectOptions {
  hostTemplate: string;
}

export function certificateSubjects(
  hosts: readonly ExportHost[],
  options: CertificateSubjectOptions,
): CertificateSubject[] {
  return hosts.map((host) => ({
    cluster: host.cluster,
    namespace: host.namespace,
    host: host.name,
    dnsNames: [
      renderHostName(options.hostTemplate, {
        bmh: host.name,
        cluster: host.cluster,
        namespace: host.namespace,
      }),
    ],
    ipAddresses: [...addressesOfFamily(host.addresses, 4), ...addressesOfFamily(host.addresses, 6)],
  }));
}

export interface IssuerRef {
  name: string;
  kind: 'Issuer' | 'ClusterIssuer';
  /** Defaults to cert-manager.io. */
  group?: string;
}

export interface CertificateOptions extends CertificateSubjectOptions {
  issuer: IssuerRef;
  /** Secret name per host; placeholders {bmh}, {cluster}, {namespace}. Default `{bmh}-tls`. */
  secretNameTemplate?: string;
}

export interface CertificateManifest {
  apiVersion: 'cert-manager.io/v1';
  kind: 'Certificate';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    secretName: string;
    issuerRef: { name: string; kind: string; group: string };
    dnsNames: string[];
    ipAddresses: string[];
  };
}

/** One Certificate per host, in the host's namespace, issued by `issuer`. */
export function certificateManifests(
  hosts: readonly ExportHost[],
  options: CertificateOptions,
): CertificateManifest[] {
  if (options.issuer.name.trim() === '')
    throw new ExportError('INVALID_OPTION', 'an issuer name is required');
  const secretTemplate = options.secretNameTemplate ?? '{bmh}-tls';
  return certificateSubjects(hosts, options).map((subject) => ({
    apiVersion: 'cert-manager.io/v1' as const,
    kind: 'Certificate' as const,
    metadata: {
      name: objectName(subject.host),
      namespace: subject.namespace,
      labels: {
        [LABEL_CLUSTER]: subject.cluster,
        [LABEL_HOST]: subject.host,
        [LABEL_MANAGED_BY]: MANAGED_BY,
      },
    },
    spec: {
      secretName: objectName(
        secretTemplate
          .replaceAll('{bmh}', subject.host)
          .replaceAll('{cluster}', subject.cluster)
          .replaceAll('{namespace}', subject.namespace),
      ),
      issuerRef: {
        name: options.issuer.name,
        kind: options.issuer.kind,
        group: options.issuer.group ?? 'cert-manager.io',
      },
      dnsNames: subject.dnsNames,
      ipAddresses: subject.ipAddresses,
    },
  }));
}
