// One watch stream (GET ...?watch=true), newline-delimited JSON events.
//
// client-node 1.4's Watch is not enough for a hardened informer: a non-200 answer loses the
// Status body and headers (so no reason, no Retry-After), unparseable lines are silently
// dropped, and the AbortController only exists once the response arrived (a hanging connect
// cannot be cancelled). This uses client-node's KubeConfig for auth, TLS and proxies
// (applyToHTTPSOptions) and node:http(s) for the stream.
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, kubeErrorFromResponse, toKubeApiError } from './errors';
import type { Query } from './transport';

export interface WatchHandlers {
  /** One decoded event: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (object = metav1.Status). */
  onEvent(type: string, object: unknown): void;
  /** Called once: null after a normal end of stream, else a KubeApiError. Not called after abort(). */
  onDone(error: KubeApiError | null): void;
}

export interface WatchStream {
  /** Close the stream; onDone is not called afterwards. */
  abort(): void;
}

export function openWatch(
  kubeConfig: KubeConfig,
  path: string,
  query: Query,
  handlers: WatchHandlers,
): WatchStream {
  const controller = new AbortController();
  let finished = false;
  let agentToDestroy: { destroy(): void } | undefined;
  const finish = (error: KubeApiError | null) => {
    if (finished) return;
    finished = true;
    controller.abort();
    agentToDestroy?.destroy();
    handlers.onDone(error);
  };

  void (async () => {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster in kubeconfig');
    const url = new URL(cluster.server.replace(/\/$/, '') + path);
    url.searchParams.set('watch', 'true');
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const options: RequestOptions & { headers?: Record<string, string> } = {};
    await kubeConfig.applyToHTTPSOptions(options);
    if (controller.signal.aborted) return;
    agentToDestroy = options.agent as { destroy(): void } | undefined;
    const request = (url.protocol === 'http:' ? httpRequest : httpsRequest)(url, {
      ...options,
      method: 'GET',
      headers: { ...options.headers, Accept: 'application/json' },
      signal: controller.signal,
    });
    request.on('response', (response) => consume(response, handlers, finish, () => finished));
    request.on('error', (err) => {
      if (!controller.signal.aborted) finish(toKubeApiError(err));
    });
    request.end();
  })().catch((err: unknown) => finish(toKubeApiError(err)));

  return {
    abort: () => {
      finished = true;
      controller.abort();
      agentToDestroy?.destroy();
    },
  };
}

function consume(
  response: IncomingMessage,
  handlers: WatchHandlers,
  finish: (error: KubeApiError | null) => void,
  isFinished: () => boolean,
): void {
  response.setEncoding('utf8');
  if (response.statusCode !== 200) {
    let text = '';
    response.on('data', (chunk: string) => (text += chunk));
    response.on('end', () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // plain-text error body
      }
      finish(
        kubeErrorFromResponse(response.statusCode ?? 0, body, response.headers as Record<string, string>),
      );
    });
    response.on('error', (err) => finish(toKubeApiError(err)));
    return;
  }
  let buffer = '';
  response.on('data', (chunk: string) => {
    buffer += chunk;
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line.length === 0 || isFinished()) continue;
      let event: { type?: string; object?: unknown };
      try {
        event = JSON.parse(line) as { type?: string; object?: unknown };
      } catch (err) {
        // A torn or garbled stream: restart rather than silently skip an event.
        finish(new KubeApiError('Unknown', 200, 'unparseable watch event', [], undefined, { cause: err }));
        return;
      }
      handlers.onEvent(event.type ?? '', event.object);
    }
  });
  response.on('error', (err) => finish(toKubeApiError(err)));
  // 'close' without a complete body means the connection broke mid-stream.
  response.on('close', () =>
    finish(
      response.complete ? null : new KubeApiError('Unavailable', 0, 'watch connection closed unexpectedly'),
    ),
  );
}
