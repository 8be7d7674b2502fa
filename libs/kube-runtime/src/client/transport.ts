// Raw HTTP against the API server through client-node's own plumbing (kubeconfig auth incl. exec
// and OIDC tokens, TLS material, its fetch library). We take the Configuration that
// KubernetesObjectApi is built with instead of its verbs because those need a discovery round
// trip per kind, cannot address subresources (/status) and cannot send JSON patches; and we keep
// bodies as plain JSON (client-node's serializer would turn timestamps into Date objects).
import { createHash } from 'node:crypto';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { HttpMethod, KubeConfig, KubernetesObjectApi, type RequestContext } from '@kubernetes/client-node';
import { KubeApiError, kubeErrorFromResponse, toKubeApiError } from './errors';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  /** Serialized with JSON.stringify (valid YAML too, so it also serves apply-patch+yaml). */
  body?: unknown;
  contentType?: string;
  /** Client-side deadline for the whole request (default: the transport's, 30 s). */
  timeoutMs?: number;
}

export interface TransportOptions {
  requestTimeoutMs?: number;
  /** Upper bound of parallel connections to the API server (default 50). */
  maxSockets?: number;
}

/** KubernetesObjectApi opened up: we only need its configuration (server, auth, http library). */
class ConfiguredApi extends KubernetesObjectApi {
  get config() {
    return this.configuration;
  }
}

export class KubeTransport {
  readonly kubeConfig: KubeConfig;
  readonly #api: ConfiguredApi;
  readonly #requestTimeoutMs: number;
  readonly #maxSockets: number;
  // client-node 1.x builds a fresh https.Agent for every request: no keep-alive, a TLS handshake
  // per call and sockets piling up under load. Reuse one keep-alive agent per TLS identity.
  #agent: { fingerprint: string; agent: HttpsAgent } | undefined;

  constructor(kubeConfig: KubeConfig, options: TransportOptions = {}) {
    this.kubeConfig = kubeConfig;
    this.#api = kubeConfig.makeApiClient(ConfiguredApi);
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#maxSockets = options.maxSockets ?? 50;
  }

  /** Perform one request; resolves to the parsed JSON body, rejects with a KubeApiError. */
  async request<T>(method: keyof typeof HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const config = this.#api.config;
    const ctx = config.baseServer.makeRequestContext(path, HttpMethod[method]);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) ctx.setQueryParam(key, String(value));
    }
    ctx.setHeaderParam('Accept', 'application/json');
    if (options.body !== undefined) {
      ctx.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(options.body));
    }
    ctx.setSignal(AbortSignal.timeout(options.timeoutMs ?? this.#requestTimeoutMs));
    let text: string;
    let status: number;
    let headers: Record<string, string>;
    try {
      await config.authMethods.default?.applySecurityAuthentication(ctx);
      this.#reuseAgent(ctx);
      const response = await config.httpApi.send(ctx).toPromise();
      status = response.httpStatusCode;
      headers = response.headers;
      text = await response.body.text();
    } catch (err) {
      throw toKubeApiError(err);
    }
    if (status < 200 || status > 299) {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // plain-text bodies ("404 page not found") stay strings
      }
      throw kubeErrorFromResponse(status, body, headers);
    }
    if (text.length === 0) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new KubeApiError(
        'Unknown',
        status,
        `unparseable response from ${method} ${path}`,
        [],
        undefined,
        {
          cause: err,
        },
      );
    }
  }

  /** Close pooled connections (call on shutdown so the process can exit). */
  close(): void {
    this.#agent?.agent.destroy();
    this.#agent = undefined;
  }

  #reuseAgent(ctx: RequestContext): void {
    const fresh = ctx.getAgent();
    // Only plain https agents: proxy agents carry their own connection logic.
    if (!(fresh instanceof HttpsAgent) || fresh.constructor !== HttpsAgent) return;
    const tls = (fresh as HttpsAgent & { options: AgentOptions }).options;
    const hash = createHash('sha256');
    for (const part of [tls.ca, tls.cert, tls.key, tls.pfx, tls.servername, String(tls.rejectUnauthorized)]) {
      for (const item of Array.isArray(part) ? part : [part]) {
        if (item !== undefined)
          hash.update(typeof item === 'string' || Buffer.isBuffer(item) ? item : JSON.stringify(item));
        hash.update('|');
      }
    }
    const fingerprint = hash.digest('hex');
    if (this.#agent?.fingerprint !== fingerprint) {
      this.#agent?.agent.destroy();
      this.#agent = {
        fingerprint,
        agent: new HttpsAgent({ ...tls, keepAlive: true, maxSockets: this.#maxSockets }),
      };
    }
    fresh.destroy();
    ctx.setAgent(this.#agent.agent);
  }
}
