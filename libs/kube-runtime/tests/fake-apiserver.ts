// A tiny in-memory stand-in for the API server (plain HTTP) for deterministic unit tests of
// failure paths a real server will not produce on demand: scripted watch errors, silent watches,
// 429 with Retry-After, a resource that appears later. Semantics follow the real server where
// the runtime depends on them (resourceVersion, 409 AlreadyExists/Conflict, 410 on old watches).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, unknown> & { name: string; resourceVersion?: string };
};

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  body?: unknown;
}

interface Watcher {
  collection: string;
  res: ServerResponse;
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** collection path (e.g. /apis/g/v/namespaces/ns/widgets) → name → object */
  readonly #collections = new Map<string, Map<string, Obj>>();
  /** Watches with a resourceVersion below this get a 410 ERROR event. */
  oldestWatchableRv = 0;
  /** Fail any request for which this returns a response (e.g. by Authorization header). */
  intercept: ((req: IncomingMessage) => { code: number; reason: string } | undefined) | undefined;
  /** Continue tokens are rejected with 410 Expired (as after etcd compaction). */
  expireContinueTokens = false;
  /** Next N list/watch requests fail with this response. */
  failNext: Array<{ code: number; reason: string; headers?: Record<string, string> }> = [];
  #rv = 100;
  readonly #watchers = new Set<Watcher>();
  readonly #server: Server;

  private constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  static async start(): Promise<FakeApiServer> {
    const fake = new FakeApiServer();
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  kubeConfig(namespace = 'default', token = 'fake-token'): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'fake', token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'fake', namespace }],
      currentContext: 'fake',
    });
    return kc;
  }

  /** Serve a collection path (e.g. /apis/g/v/namespaces/ns/widgets); others answer 404. */
  serve(collection: string): void {
    this.#items(collection);
  }

  /** Stop serving a collection (404 from now on), as when a CRD is not installed. */
  unserve(collection: string): void {
    this.#collections.delete(collection);
  }

  get resourceVersion(): number {
    return this.#rv;
  }

  watchRequests(collection: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === collection && r.query.get('watch') === 'true');
  }

  listRequests(collection: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.path === collection && r.method === 'GET' && r.query.get('watch') !== 'true',
    );
  }

  get openWatches(): number {
    return this.#watchers.size;
  }

  /** Store an object and notify watchers (ADDED/MODIFIED), unless `silently`. */
  put(collection: string, obj: Obj, silently = false): Obj {
    const items = this.#items(collection);
    const existed = items.has(obj.metadata.name);
    const stored = {
      ...obj,
      metadata: {
        ...obj.metadata,
        resourceVersion: String(++this.#rv),
        uid: obj.metadata['uid'] ?? `uid-${obj.metadata.name}`,
      },
    };
    items.set(obj.metadata.name, stored);
    if (!silently) this.#notify(collection, existed ? 'MODIFIED' : 'ADDED', stored);
    return stored;
  }

  /** Remove an object; `silently` simulates a delete the watch never delivered. */
  remove(collection: string, name: string, silently = false): void {
    const items = this.#items(collection);
    const obj = items.get(name);
    if (!obj) return;
    items.delete(name);
    this.#rv += 1;
    if (!silently)
      this.#notify(collection, 'DELETED', {
        ...obj,
        metadata: { ...obj.metadata, resourceVersion: String(this.#rv) },
      });
  }

  get(collection: string, name: string): Obj | undefined {
    return this.#items(collection).get(name);
  }

  /** Deliver an event as is (e.g. a replay of an already delivered one). */
  sendEvent(collection: string, type: string, object: Obj): void {
    this.#notify(collection, type, object);
  }

  sendBookmark(collection: string, rv: number): void {
    this.#notify(collection, 'BOOKMARK', { metadata: { name: '', resourceVersion: String(rv) } } as Obj);
  }

  /** Send a watch ERROR event with a Status and end those watches, as the real server does. */
  sendWatchError(collection: string, code: number, reason: string): void {
    for (const w of [...this.#watchers].filter((w) => w.collection === collection)) {
      w.res.write(`${JSON.stringify({ type: 'ERROR', object: status(code, reason, `${reason} (fake)`) })}\n`);
      w.res.end();
      this.#watchers.delete(w);
    }
  }

  /** End every watch stream normally (as a server-side timeout does). */
  closeWatches(): void {
    for (const w of this.#watchers) w.res.end();
    this.#watchers.clear();
  }

  /** Abort every watch connection (as a network failure does). */
  destroyWatches(): void {
    for (const w of this.#watchers) w.res.socket?.destroy();
    this.#watchers.clear();
  }

  async close(): Promise<void> {
    this.destroyWatches();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #items(collection: string): Map<string, Obj> {
    let items = this.#collections.get(collection);
    if (!items) this.#collections.set(collection, (items = new Map()));
    return items;
  }

  #notify(collection: string, type: string, object: Obj): void {
    for (const w of this.#watchers) {
      if (w.collection === collection) w.res.write(`${JSON.stringify({ type, object })}\n`);
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
    };
    this.requests.push(recorded);
    const intercepted = this.intercept?.(req);
    if (intercepted) {
      req.resume();
      return void this.#send(
        res,
        intercepted.code,
        status(intercepted.code, intercepted.reason, 'intercepted'),
      );
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      recorded.body = body;
      this.#route(req.method ?? 'GET', url, body, res, req.headers['content-type'] ?? '');
    });
  }

  #send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  #route(method: string, url: URL, body: unknown, res: ServerResponse, contentType: string): void {
    // A path is a served collection, or an object inside one; anything else is not served (404).
    // The status subresource is served as the object itself (no spec/status split in the fake).
    const path = url.pathname.replace(/\/status$/, '');
    const parent = path.slice(0, path.lastIndexOf('/'));
    const isCollection = this.#collections.has(path);
    if (!isCollection && !this.#collections.has(parent)) {
      return void this.#send(
        res,
        404,
        status(404, 'NotFound', 'the server could not find the requested resource'),
      );
    }
    const collection = isCollection ? path : parent;
    const name = isCollection ? undefined : path.slice(path.lastIndexOf('/') + 1);
    const items = this.#items(collection);

    if (method === 'GET' && !name) {
      const failure = this.failNext.shift();
      if (failure)
        return void this.#send(
          res,
          failure.code,
          status(failure.code, failure.reason, 'scripted failure'),
          failure.headers,
        );
      if (url.searchParams.get('watch') === 'true') {
        const rv = Number(url.searchParams.get('resourceVersion') ?? '0');
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        if (rv && rv < this.oldestWatchableRv) {
          res.end(
            `${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${rv}`) })}\n`,
          );
          return;
        }
        res.flushHeaders();
        const watcher = { collection, res };
        this.#watchers.add(watcher);
        res.on('close', () => this.#watchers.delete(watcher));
        return;
      }
      if (url.searchParams.get('continue') && this.expireContinueTokens) {
        return void this.#send(
          res,
          410,
          status(410, 'Expired', 'The provided continue parameter is too old'),
        );
      }
      const all = [...items.values()];
      const limit = Number(url.searchParams.get('limit') ?? '0');
      const start = Number(url.searchParams.get('continue') ?? '0');
      const page = limit > 0 ? all.slice(start, start + limit) : all;
      const next = limit > 0 && start + limit < all.length ? String(start + limit) : undefined;
      return void this.#send(res, 200, {
        kind: 'List',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(this.#rv), continue: next },
        items: page.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
      });
    }
    if (method === 'GET' && name) {
      const obj = items.get(name);
      return void (obj
        ? this.#send(res, 200, obj)
        : this.#send(res, 404, status(404, 'NotFound', `"${name}" not found`)));
    }
    if (method === 'POST') {
      const obj = body as Obj;
      if (items.has(obj.metadata.name))
        return void this.#send(
          res,
          409,
          status(409, 'AlreadyExists', `"${obj.metadata.name}" already exists`),
        );
      return void this.#send(res, 201, this.put(collection, obj));
    }
    if (method === 'PUT' && name) {
      const obj = body as Obj;
      const current = items.get(name);
      if (!current) return void this.#send(res, 404, status(404, 'NotFound', `"${name}" not found`));
      if (obj.metadata.resourceVersion !== current.metadata.resourceVersion) {
        return void this.#send(
          res,
          409,
          status(
            409,
            'Conflict',
            'the object has been modified; please apply your changes to the latest version and try again',
          ),
        );
      }
      return void this.#send(
        res,
        200,
        this.put(collection, { ...obj, metadata: { ...obj.metadata, uid: current.metadata['uid'] } }),
      );
    }
    if (method === 'PATCH' && name && contentType.startsWith('application/merge-patch+json')) {
      const current = items.get(name);
      if (!current) return void this.#send(res, 404, status(404, 'NotFound', `"${name}" not found`));
      return void this.#send(res, 200, this.put(collection, mergePatch(current, body) as Obj));
    }
    if (method === 'PATCH' && name) {
      // JSON patch and apply are only recorded, not interpreted: answer with the stored object.
      const current = items.get(name);
      return void (current
        ? this.#send(res, 200, current)
        : this.#send(res, 404, status(404, 'NotFound', `"${name}" not found`)));
    }
    if (method === 'DELETE' && name) {
      const current = items.get(name);
      if (!current) return void this.#send(res, 404, status(404, 'NotFound', `"${name}" not found`));
      this.remove(collection, name);
      return void this.#send(res, 200, { kind: 'Status', status: 'Success' });
    }
    this.#send(res, 405, status(405, 'MethodNotAllowed', `${method} not supported by the fake`));
  }
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
