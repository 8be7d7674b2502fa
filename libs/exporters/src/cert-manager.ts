// cert-manager: per host the SANs ({dnsNames, ipAddresses}) and ready Certificate objects.
import { addressesOfFamily } from './addresses';
import { ExportError } from './errors';
import { fillTemplate, objectName, renderHostName } from './names';
import { hostObjectLabels, hostObjectName } from './objects';
import type { ExportHost } from './types';

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

export const DEFAULT_SECRET_NAME_TEMPLATE = '{cluster}-{namespace}-{bmh}-tls';

export interface CertificateOptions extends CertificateSubjectOptions {
  issuer: IssuerRef;
  /**
   * Secret name per host; placeholders {bmh}, {cluster}, {namespace}. Default
   * `{cluster}-{namespace}-{bmh}-tls`: two Certificates must never write one Secret.
   */
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
  const secretTemplate = options.secretNameTemplate ?? DEFAULT_SECRET_NAME_TEMPLATE;
  return certificateSubjects(hosts, options).map((subject) => {
    const host = { cluster: subject.cluster, namespace: subject.namespace, name: subject.host };
    return {
      apiVersion: 'cert-manager.io/v1' as const,
      kind: 'Certificate' as const,
      metadata: {
        name: hostObjectName(host),
        namespace: subject.namespace,
        labels: hostObjectLabels(host),
      },
      spec: {
        secretName: objectName(
          fillTemplate(secretTemplate, {
            bmh: subject.host,
            cluster: subject.cluster,
            namespace: subject.namespace,
          }),
        ),
        issuerRef: {
          name: options.issuer.name,
          kind: options.issuer.kind,
          group: options.issuer.group ?? 'cert-manager.io',
        },
        dnsNames: subject.dnsNames,
        ipAddresses: subject.ipAddresses,
      },
    };
  });
}
