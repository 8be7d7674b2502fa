// Export fields: the same documents as the /export/* HTTP endpoints.
import { loadExportHosts, renderExport, type ExportFormat, type ExportRequest } from '../exports/render';
import { builder } from './builder';
import { LabelInput, labelsFromInput } from './types';

const IssuerKindEnum = builder.enumType('IssuerKind', { values: ['Issuer', 'ClusterIssuer'] as const });

const DnsEndpointRef = builder
  .objectRef<{
    dnsName: string;
    targets: string[];
    recordType: string;
    recordTTL?: number;
  }>('DnsEndpoint')
  .implement({
    description:
      'An external-dns endpoint. It has no labels: external-dns publishes endpoint labels in its TXT registry records.',
    fields: (t) => ({
      dnsName: t.exposeString('dnsName'),
      targets: t.exposeStringList('targets'),
      recordType: t.exposeString('recordType', { description: 'A | AAAA | PTR' }),
      recordTTL: t.int({ nullable: true, resolve: (endpoint) => endpoint.recordTTL ?? null }),
    }),
  });

const CertificateSubjectRef = builder
  .objectRef<{
    cluster: string;
    namespace: string;
    host: string;
    dnsNames: string[];
    ipAddresses: string[];
  }>('CertificateSubject')
  .implement({
    description: 'The SANs of one host for a cert-manager Certificate.',
    fields: (t) => ({
      cluster: t.exposeString('cluster'),
      namespace: t.exposeString('namespace'),
      host: t.exposeString('host'),
      dnsNames: t.exposeStringList('dnsNames'),
      ipAddresses: t.exposeStringList('ipAddresses'),
    }),
  });

const ExportsRef = builder.objectRef<ExportRequest>('Exports').implement({
  description: 'Exports of the current addresses of the selected hosts (same data as /export/*).',
  fields: (t) => {
    const render =
      (format: ExportFormat) =>
      async (request: ExportRequest, _args: object, ctx: import('./context').ApiContext) =>
        renderExport(format, await loadExportHosts(ctx.readModel, request), ctx.exportSettings, request);
    return {
      externalDns: t.field({
        type: [DnsEndpointRef],
        resolve: async (request, args, ctx) => (await render('external-dns')(request, args, ctx)) as never,
      }),
      dnsEndpointYaml: t.string({
        resolve: async (r, a, c) => (await render('dnsendpoint.yaml')(r, a, c)) as string,
      }),
      certificates: t.field({
        type: [CertificateSubjectRef],
        resolve: async (request, args, ctx) =>
          (await render('certificates.json')(request, args, ctx)) as never,
      }),
      certificateYaml: t.string({
        resolve: async (r, a, c) => (await render('certificates.yaml')(r, a, c)) as string,
      }),
      calicoYaml: t.string({ resolve: async (r, a, c) => (await render('calico.yaml')(r, a, c)) as string }),
      ciliumYaml: t.string({ resolve: async (r, a, c) => (await render('cilium.yaml')(r, a, c)) as string }),
      networkPolicyYaml: t.string({
        resolve: async (r, a, c) => (await render('networkpolicy.yaml')(r, a, c)) as string,
      }),
      ipBlocks: t.field({ type: 'JSON', resolve: (r, a, c) => render('ipblocks.json')(r, a, c) }),
      nftables: t.string({ resolve: async (r, a, c) => (await render('nftables.nft')(r, a, c)) as string }),
    };
  },
});

builder.queryField('exports', (t) =>
  t.field({
    type: ExportsRef,
    description:
      'Select hosts by cluster, pool, namespace and labels; override the host template, TTL or issuer.',
    args: {
      cluster: t.arg.string(),
      pool: t.arg.string(),
      namespace: t.arg.string(),
      hostLabels: t.arg({ type: [LabelInput] }),
      hostTemplate: t.arg.string({ description: 'e.g. {bmh}.{cluster}.example.com' }),
      ttl: t.arg.int(),
      ptr: t.arg.boolean(),
      issuerName: t.arg.string(),
      issuerKind: t.arg({ type: IssuerKindEnum }),
    },
    resolve: (_root, args) => ({ ...args, hostLabels: labelsFromInput(args.hostLabels) }),
  }),
);
