// Kubernetes ServiceAccount (or any API-server-issued) tokens: authenticated with TokenReview and
// authorized with SubjectAccessReview against a virtual resource that exists only for RBAC:
//
//   group stableip.dev, resource auditrecords, verbs: get / list → reader, admin → admin
//
// e.g. a ClusterRole rule {apiGroups: [stableip.dev], resources: [auditrecords], verbs: [get, list]}.
// Results are cached briefly (keyed by the token's hash) so a busy client costs no API call per request.
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { sha256Hex } from './tokens';
import type { Principal, Role } from './principal';

export const VIRTUAL_RESOURCE = { group: 'stableip.dev', resource: 'auditrecords' } as const;

export type KubeAuthResult =
  | { kind: 'authenticated'; principal: Principal }
  | { kind: 'forbidden'; user: string }
  | { kind: 'unauthenticated' };

export interface KubeAuthOptions {
  kubeConfig: KubeConfig;
  /** Audiences to request in the TokenReview (empty: the API server's). */
  audiences?: string[];
  cacheTtlMs?: number;
  now?: () => number;
}

export class KubernetesAuthenticator {
  private readonly authn: AuthenticationV1Api;
  private readonly authz: AuthorizationV1Api;
  private readonly cache = new Map<string, { result: KubeAuthResult; expires: number }>();
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(private readonly options: KubeAuthOptions) {
    this.authn = options.kubeConfig.makeApiClient(AuthenticationV1Api);
    this.authz = options.kubeConfig.makeApiClient(AuthorizationV1Api);
    this.ttl = options.cacheTtlMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  async authenticate(token: string): Promise<KubeAuthResult> {
    const key = sha256Hex(token);
    const cached = this.cache.get(key);
    if (cached && cached.expires > this.now()) return cached.result;
    const result = await this.review(token);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { result, expires: this.now() + this.ttl });
    return result;
  }

  private async review(token: string): Promise<KubeAuthResult> {
    const review = await this.authn.createTokenReview({
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token, ...(this.options.audiences?.length ? { audiences: this.options.audiences } : {}) },
      },
    });
    const user = review.status?.user;
    if (review.status?.authenticated !== true || !user?.username) return { kind: 'unauthenticated' };
    const can = async (verb: string): Promise<boolean> => {
      const access = await this.authz.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: user.username,
            ...(user.uid ? { uid: user.uid } : {}),
            groups: user.groups ?? [],
            ...(user.extra ? { extra: user.extra } : {}),
            resourceAttributes: { group: VIRTUAL_RESOURCE.group, resource: VIRTUAL_RESOURCE.resource, verb },
          },
        },
      });
      return access.status?.allowed === true;
    };
    const role: Role | undefined = (await can('admin')) ? 'admin' : (await can('get')) ? 'reader' : undefined;
    if (role === undefined) return { kind: 'forbidden', user: user.username };
    return { kind: 'authenticated', principal: { name: user.username, role, via: 'kubernetes' } };
  }
}
