// Bearer token → principal: static tokens first, then Kubernetes when enabled.
import { ApiError } from '../errors';
import type { KubernetesAuthenticator } from './kubernetes';
import type { Principal } from './principal';
import type { StaticTokens } from './tokens';

export interface Authenticator {
  /** Throws ApiError UNAUTHENTICATED (401) or FORBIDDEN (403). */
  authenticate(authorization: string | undefined): Promise<Principal>;
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

export function createAuthenticator(options: {
  tokens: StaticTokens;
  kubernetes?: KubernetesAuthenticator;
  /** Development only: no token needed, everyone is this principal. */
  anonymous?: Principal;
}): Authenticator {
  return {
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      if (token === undefined) {
        if (options.anonymous) return options.anonymous;
        throw new ApiError('UNAUTHENTICATED', 'a bearer token is required');
      }
      const principal = options.tokens.authenticate(token);
      if (principal) return principal;
      if (options.kubernetes) {
        const result = await options.kubernetes.authenticate(token);
        if (result.kind === 'authenticated') return result.principal;
        if (result.kind === 'forbidden') {
          throw new ApiError('FORBIDDEN', `${result.user} may not get stableip.dev/auditrecords`);
        }
      }
      throw new ApiError('UNAUTHENTICATED', 'the bearer token is not valid');
    },
  };
}
