// A small external-dns webhook provider for tests: keeps the records external-dns decides in
// memory and records every change batch (the webhook protocol of external-dns' `webhook` provider).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const MEDIA_TYPE = 'application/external.dns.webhook+json;version=1';

export interface RecordedEndpoint {
  dnsName: string;
  targets: string[];
  recordType: string;
  setIdentifier?: string;
  recordTTL?: number;
  labels?: Record<string, string>;
}

export interface ChangeBatch {
  create?: RecordedEndpoint[];
  updateOld?: RecordedEndpoint[];
  updateNew?: RecordedEndpoint[];
  delete?: RecordedEndpoint[];
}

export interface DnsRecorder {
  url: string;
  records(): RecordedEndpoint[];
  readonly batches: ChangeBatch[];
  close(): Promise<void>;
}

const key = (e: RecordedEndpoint) => JSON.stringify([e.dnsName, e.recordType, e.setIdentifier ?? '']);

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}

/** Serves the zones in `domains` (the provider's domain filter, negotiated on GET /). */
export async function startDnsRecorder(domains: string[]): Promise<DnsRecorder> {
  const store = new Map<string, RecordedEndpoint>();
  const batches: ChangeBatch[] = [];
  const server: Server = createServer((req, res) => {
    const reply = (status: number, payload?: unknown) => {
      if (payload === undefined) {
        res.writeHead(status).end();
        return;
      }
      res.writeHead(status, { 'Content-Type': MEDIA_TYPE }).end(JSON.stringify(payload));
    };
    void (async () => {
      if (req.method === 'GET' && req.url === '/') return reply(200, { include: domains });
      if (req.method === 'GET' && req.url === '/records') return reply(200, [...store.values()]);
      if (req.method === 'POST' && req.url === '/adjustendpoints') return reply(200, await body(req));
      if (req.method === 'POST' && req.url === '/records') {
        const changes = (await body(req)) as ChangeBatch;
        batches.push(changes);
        for (const e of [...(changes.delete ?? []), ...(changes.updateOld ?? [])]) store.delete(key(e));
        for (const e of [...(changes.create ?? []), ...(changes.updateNew ?? [])]) store.set(key(e), e);
        return reply(204);
      }
      reply(404, { error: `no route ${req.method} ${req.url}` });
    })().catch((error: unknown) => reply(500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    records: () => [...store.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1)),
    batches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
