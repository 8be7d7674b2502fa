// The HTTPS admission webhook server (AdmissionReview v1 over TLS, as the API server calls it).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@stableip/kube-runtime';
import type { Counter, Histogram, Registry } from 'prom-client';
import { Counter as PromCounter, Histogram as PromHistogram } from 'prom-client';
import { AdmissionError, review, WEBHOOK_ROUTES } from './admission';
import type { ServingCertificate } from './certs';

/** The API server sends objects up to ~3 MiB (etcd's limit); anything larger is not a review. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface WebhookServerOptions {
  host?: string;
  port: number;
  certificate: ServingCertificate;
  logger: Logger;
  registry?: Registry;
}

export interface RunningWebhookServer {
  readonly port: number;
  readonly server: Server;
  /** Swap the serving certificate (rotation) without dropping connections. */
  setCertificate(certificate: ServingCertificate): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AdmissionError('request body too large', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<RunningWebhookServer> {
  const log = options.logger.child({ component: 'webhook' });
  let requests: Counter<'webhook' | 'code'> | undefined;
  let latency: Histogram<'webhook'> | undefined;
  if (options.registry) {
    // controller-runtime's webhook metric names.
    requests = new PromCounter({
      name: 'controller_runtime_webhook_requests_total',
      help: 'Total number of admission requests by HTTP status code.',
      labelNames: ['webhook', 'code'],
      registers: [options.registry],
    });
    latency = new PromHistogram({
      name: 'controller_runtime_webhook_latency_seconds',
      help: 'Histogram of the latency of processing admission requests',
      labelNames: ['webhook'],
      registers: [options.registry],
    });
  }
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'https://webhook').pathname;
    const started = process.hrtime.bigint();
    let code = 200;
    try {
      if (req.method !== 'POST') throw new AdmissionError('only POST is supported', 405);
      if (!WEBHOOK_ROUTES.has(path)) throw new AdmissionError(`no webhook at ${path}`, 404);
      const contentType = req.headers['content-type'] ?? '';
      if (!contentType.includes('application/json'))
        throw new AdmissionError(`unsupported content type ${contentType}`, 415);
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (err) {
        if (err instanceof AdmissionError) throw err;
        throw new AdmissionError('request body is not JSON', 400);
      }
      const answer = review(path, body);
      if (answer.response && !answer.response.allowed) {
        log.info(
          { path, uid: answer.response.uid, message: answer.response.status?.message },
          'admission denied',
        );
      }
      send(res, 200, answer);
    } catch (err) {
      code = err instanceof AdmissionError ? err.httpStatus : 500;
      if (code === 500) log.error({ err, path }, 'webhook failed');
      // An unexpected failure is logged here; the caller gets no exception text.
      send(res, code, err instanceof AdmissionError ? `${err.message}\n` : 'internal error in the webhook\n');
    } finally {
      requests?.inc({ webhook: path, code: String(code) });
      latency?.observe({ webhook: path }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
  const server = createServer(
    { cert: options.certificate.cert, key: options.certificate.key, minVersion: 'TLSv1.2' },
    (req, res) => {
      void handle(req, res);
    },
  );
  // The API server's own webhook timeout is at most 30 s; never hold a socket longer.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, 'webhook server listening');
  return {
    port,
    server,
    setCertificate: (certificate) =>
      server.setSecureContext({ cert: certificate.cert, key: certificate.key }),
    close: () =>
      new Promise<void>((resolve) => {
        // The API server keeps connections alive; in-flight reviews get 2 s, then all are closed.
        const force = setTimeout(() => server.closeAllConnections(), 2000);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
