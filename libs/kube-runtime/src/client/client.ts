// A thin typed client: one ResourceClient per descriptor, plain-JSON objects in and out,
// typed errors (KubeApiError) out of every verb.
import { KubeConfig, PatchStrategy } from '@kubernetes/client-node';
import { isGone } from './errors';
import { apiVersionOf, resourcePath, type KubeObject, type ResourceDescriptor } from './resource';
import { KubeTransport, type Query, type TransportOptions } from './transport';

export interface ObjectRef {
  name: string;
  /** Required for namespaced resources unless the client has a default namespace. */
  namespace?: string;
}

export interface ListOptions {
  /** Omit for all namespaces (or the client's default namespace when `allNamespaces` is false). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (default 500, as client-go's pager). */
  limit?: number;
}

export interface ListPage<T> {
  items: T[];
  resourceVersion: string;
  /** Token for the next page; undefined on the last page. */
  continue?: string;
}

export interface ListResult<T> {
  items: T[];
  /** resourceVersion of the (first page of the) list: start a watch from here. */
  resourceVersion: string;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Overrides the client's field manager. */
  fieldManager?: string;
}

export interface ApplyOptions extends WriteOptions {
  /** Take ownership of fields other managers own (kubectl apply --force-conflicts). */
  force?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  /** Only delete if the object still has this uid / resourceVersion (else Conflict). */
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** RFC 6902 operation. */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** A JSON merge patch (RFC 7386): `null` deletes a field. */
export type MergePatch = Record<string, unknown>;

export interface KubeClientOptions extends TransportOptions {
  /** Field manager for every write (default "stableip"). */
  fieldManager?: string;
}

export class KubeClient {
  readonly transport: KubeTransport;
  readonly fieldManager: string;

  constructor(kubeConfig: KubeConfig, options: KubeClientOptions = {}) {
    this.transport = new KubeTransport(kubeConfig, options);
    this.fieldManager = options.fieldManager ?? 'stableip';
  }

  /** In-cluster service account when running in a pod, else $KUBECONFIG / ~/.kube/config. */
  static fromDefault(options: KubeClientOptions = {}): KubeClient {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return new KubeClient(kc, options);
  }

  get kubeConfig(): KubeConfig {
    return this.transport.kubeConfig;
  }

  /** Namespace of the current kubeconfig context ("default" when unset). */
  get defaultNamespace(): string {
    return this.kubeConfig.getContextObject(this.kubeConfig.getCurrentContext())?.namespace ?? 'default';
  }

  resource<T extends KubeObject>(descriptor: ResourceDescriptor<T>): ResourceClient<T> {
    return new ResourceClient(this, descriptor);
  }

  close(): void {
    this.transport.close();
  }
}

export class ResourceClient<T extends KubeObject> {
  constructor(
    readonly client: KubeClient,
    readonly descriptor: ResourceDescriptor<T>,
  ) {}

  async get(ref: ObjectRef): Promise<T> {
    return this.#request<T>('GET', this.#path(ref));
  }

  /** Every page of a list, following `continue` tokens. */
  async list(options: ListOptions = {}): Promise<ListResult<T>> {
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      let page: ListPage<T>;
      try {
        page = await this.listPage({ ...options, continue: token });
      } catch (err) {
        // An expired continue token (410 mid-pagination): start over in one unpaginated request,
        // which is client-go's pager fallback too.
        if (token !== undefined && isGone(err)) return this.list({ ...options, limit: 0 });
        throw err;
      }
      if (token === undefined) resourceVersion = page.resourceVersion;
      items.push(...page.items);
      token = page.continue;
    } while (token);
    return { items, resourceVersion };
  }

  async listPage(
    options: ListOptions & { continue?: string; resourceVersion?: string },
  ): Promise<ListPage<T>> {
    const limit = options.limit ?? 500;
    const query: Query = {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      limit: limit > 0 ? limit : undefined,
      continue: options.continue,
      resourceVersion: options.resourceVersion,
    };
    const path = resourcePath(this.descriptor, this.descriptor.namespaced ? options.namespace : undefined);
    const list = await this.#request<{
      items?: T[];
      metadata?: { resourceVersion?: string; continue?: string };
    }>('GET', path, { query });
    const apiVersion = apiVersionOf(this.descriptor);
    // Items of a list carry no apiVersion/kind: restore them so objects are self-describing.
    const items = (list.items ?? []).map((item) => ({ apiVersion, kind: this.descriptor.kind, ...item }));
    return {
      items,
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continue: list.metadata?.continue || undefined,
    };
  }

  async create(obj: T, options: WriteOptions = {}): Promise<T> {
    const namespace = this.descriptor.namespaced ? this.#namespace(obj.metadata?.namespace) : undefined;
    return this.#request<T>('POST', resourcePath(this.descriptor, namespace), {
      body: this.#withTypeMeta(obj),
      query: this.#writeQuery(options),
    });
  }

  /** PUT: optimistic concurrency through metadata.resourceVersion (Conflict when stale). */
  async update(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.#request<T>('PUT', this.#path(this.#refOf(obj)), {
      body: this.#withTypeMeta(obj),
      query: this.#writeQuery(options),
    });
  }

  async updateStatus(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.#request<T>('PUT', this.#path(this.#refOf(obj), 'status'), {
      body: this.#withTypeMeta(obj),
      query: this.#writeQuery(options),
    });
  }

  async mergePatch(ref: ObjectRef, patch: MergePatch, options: WriteOptions = {}): Promise<T> {
    return this.#patch(ref, undefined, patch, PatchStrategy.MergePatch, this.#writeQuery(options));
  }

  async jsonPatch(ref: ObjectRef, operations: JsonPatchOperation[], options: WriteOptions = {}): Promise<T> {
    return this.#patch(ref, undefined, operations, PatchStrategy.JsonPatch, this.#writeQuery(options));
  }

  /** Merge patch of the status subresource (spec and metadata changes are ignored there). */
  async patchStatus(ref: ObjectRef, patch: MergePatch, options: WriteOptions = {}): Promise<T> {
    return this.#patch(ref, 'status', patch, PatchStrategy.MergePatch, this.#writeQuery(options));
  }

  async jsonPatchStatus(
    ref: ObjectRef,
    operations: JsonPatchOperation[],
    options: WriteOptions = {},
  ): Promise<T> {
    return this.#patch(ref, 'status', operations, PatchStrategy.JsonPatch, this.#writeQuery(options));
  }

  /** Server-side apply: `obj` is the full intent of this field manager (creates when absent). */
  async apply(obj: T, options: ApplyOptions = {}): Promise<T> {
    return this.#apply(obj, undefined, options);
  }

  async applyStatus(obj: T, options: ApplyOptions = {}): Promise<T> {
    return this.#apply(obj, 'status', options);
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: options.gracePeriodSeconds,
      propagationPolicy: options.propagationPolicy,
      preconditions: options.preconditions,
      dryRun: options.dryRun ? ['All'] : undefined,
    };
    await this.#request<unknown>('DELETE', this.#path(ref), { body });
  }

  #apply(obj: T, subresource: string | undefined, options: ApplyOptions): Promise<T> {
    const query: Query = { ...this.#writeQuery(options), force: options.force ? true : undefined };
    // Apply requires apiVersion and kind in the body; managedFields must not be sent.
    const body = this.#withTypeMeta(obj);
    if (body.metadata?.managedFields) body.metadata = { ...body.metadata, managedFields: undefined };
    return this.#patch(this.#refOf(obj), subresource, body, PatchStrategy.ServerSideApply, query);
  }

  #patch(
    ref: ObjectRef,
    subresource: string | undefined,
    body: unknown,
    contentType: string,
    query: Query,
  ): Promise<T> {
    return this.#request<T>('PATCH', this.#path(ref, subresource), { body, contentType, query });
  }

  #request<R>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options = {}): Promise<R> {
    return this.client.transport.request<R>(method, path, options);
  }

  #writeQuery(options: WriteOptions): Query {
    return {
      fieldManager: options.fieldManager ?? this.client.fieldManager,
      dryRun: options.dryRun ? 'All' : undefined,
    };
  }

  #namespace(namespace: string | undefined): string {
    return namespace ?? this.client.defaultNamespace;
  }

  #path(ref: ObjectRef, subresource?: string): string {
    const namespace = this.descriptor.namespaced ? this.#namespace(ref.namespace) : undefined;
    return resourcePath(this.descriptor, namespace, ref.name, subresource);
  }

  #refOf(obj: T): ObjectRef {
    const name = obj.metadata?.name;
    if (!name) throw new TypeError(`${this.descriptor.kind} without metadata.name`);
    return { name, namespace: obj.metadata?.namespace };
  }

  #withTypeMeta(obj: T): T {
    return { ...obj, apiVersion: apiVersionOf(this.descriptor), kind: this.descriptor.kind };
  }
}
