// Raw HTTP against the API server on one pooled keep-alive agent. client-node's KubeConfig still
// supplies everything identity-related (server, TLS material, auth headers incl. exec and OIDC
// tokens, proxies) through applyToHTTPSOptions; the request itself goes through node:http(s).
//
// Why not client-node's own fetch path: it runs node-fetch 2.7, whose detector of malformed chunked
// responses inspects the socket when a response closes. On a keep-alive agent under load that
// socket already serves the next queued request, so the detector sees that request's listener and
// fails a complete response with "Premature close" (node-fetch issue 1767). Bodies stay plain JSON
// (client-node's serializer would turn timestamps into Date objects).
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http';
import {
  Agent as HttpsAgent,
  request as httpsRequest,
  type RequestOptions as HttpsOptions,
} from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, kubeErrorFromResponse, toKubeApiError } from './errors';

export type Query = Record<string, string | number | boolean | undefined>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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
  /**
   * Idle keep-alive sockets are closed after this long (default 15 s), well before the API
   * server's own idle timeout (90 s), so a request never lands on a socket the server is closing.
   */
  idleSocketTimeoutMs?: number;
}

/** Transport counters, for benchmarks and debug logs. */
export interface TransportStats {
  requests: number;
  /** Requests that failed without an HTTP response (connection refused, reset, timeout). */
  connectionErrors: number;
  /** Requests re-sent once after their reused keep-alive socket turned out to be dead. */
  retriedOnStaleSocket: number;
}

const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * May a request be sent again when its reused socket died before any response arrived? As Go's
 * net/http: only when a replay cannot do anything the first attempt did not. GET, PUT (guarded by
 * resourceVersion), DELETE, merge and apply patches (setting the same fields twice is the same
 * result) are; POST (a replayed create answers AlreadyExists, a generateName create duplicates) and
 * JSON patches (an `add` to a list applies twice) are not.
 */
function replayable(method: HttpMethod, contentType: string | undefined): boolean {
  if (method === 'POST') return false;
  if (method === 'PATCH') return contentType !== 'application/json-patch+json';
  return true;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

class StaleSocketError extends Error {}

export class KubeTransport {
  readonly kubeConfig: KubeConfig;
  readonly stats: TransportStats = { requests: 0, connectionErrors: 0, retriedOnStaleSocket: 0 };
  readonly #requestTimeoutMs: number;
  readonly #httpsAgent: HttpsAgent;
  readonly #httpAgent: HttpAgent;

  constructor(kubeConfig: KubeConfig, options: TransportOptions = {}) {
    this.kubeConfig = kubeConfig;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    // One pool per TLS identity comes for free: the agent keys sockets by ca/cert/key/servername.
    // LIFO keeps the few hottest sockets busy and lets the rest go idle and time out.
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 50,
      scheduling: 'lifo' as const,
      timeout: options.idleSocketTimeoutMs ?? 15_000,
    };
    this.#httpsAgent = new HttpsAgent(agentOptions);
    this.#httpAgent = new HttpAgent(agentOptions);
  }

  /** Perform one request; resolves to the parsed JSON body, rejects with a KubeApiError. */
  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeApiError('Unknown', 0, 'the kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/$/, '') + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const deadline = AbortSignal.timeout(options.timeoutMs ?? this.#requestTimeoutMs);
    this.stats.requests += 1;
    let response: RawResponse;
    try {
      const httpOptions = await this.#httpOptions(url, method, options.contentType, body);
      try {
        response = await send(url, httpOptions, body, deadline);
      } catch (err) {
        if (!(err instanceof StaleSocketError) || !replayable(method, options.contentType)) throw err;
        this.stats.retriedOnStaleSocket += 1;
        response = await send(url, httpOptions, body, deadline);
      }
    } catch (err) {
      this.stats.connectionErrors += 1;
      throw toKubeApiError(err instanceof StaleSocketError ? err.cause : err);
    }
    const { status, headers, text } = response;
    if (status < 200 || status > 299) {
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // plain-text bodies ("404 page not found") stay strings
      }
      throw kubeErrorFromResponse(status, parsed, headers);
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
    this.#httpsAgent.destroy();
    this.#httpAgent.destroy();
  }

  async #httpOptions(
    url: URL,
    method: HttpMethod,
    contentType: string | undefined,
    body: string | undefined,
  ): Promise<HttpsOptions> {
    const options: HttpsOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(options);
    const fresh = options.agent;
    // Plain agents are replaced by the pooled one; proxy agents carry their own connection logic.
    const plain = fresh instanceof HttpsAgent || fresh instanceof HttpAgent;
    if (plain && (fresh.constructor === HttpsAgent || fresh.constructor === HttpAgent)) {
      fresh.destroy();
      options.agent = url.protocol === 'http:' ? this.#httpAgent : this.#httpsAgent;
    }
    const headers: Record<string, string | string[] | number | undefined> = {
      ...(options.headers as Record<string, string | string[] | number | undefined> | undefined),
      Accept: 'application/json',
    };
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return { ...options, method, headers };
  }
}

function send(
  url: URL,
  options: HttpsOptions,
  body: string | undefined,
  signal: AbortSignal,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let request: ClientRequest;
    try {
      request = (url.protocol === 'http:' ? httpRequest : httpsRequest)(url, { ...options, signal });
    } catch (err) {
      reject(err);
      return;
    }
    let responded = false;
    request.on('response', (response: IncomingMessage) => {
      responded = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      const incomplete = () =>
        reject(
          new Error(
            `connection closed before the response to ${options.method} ${url.pathname} was complete`,
          ),
        );
      response.on('error', reject);
      response.on('close', () => {
        if (!response.complete) incomplete();
      });
      response.on('end', () => {
        if (!response.complete) {
          incomplete();
          return;
        }
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(response.headers)) {
          if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: response.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.on('error', (err: NodeJS.ErrnoException) => {
      // Node's documented pattern: a reused keep-alive socket the server closed meanwhile fails
      // with a reset before any byte of the response arrived.
      if (!responded && request.reusedSocket && STALE_SOCKET_CODES.has(err.code ?? '')) {
        reject(new StaleSocketError('stale keep-alive socket', { cause: err }));
        return;
      }
      reject(err);
    });
    request.end(body);
  });
}
