// A minimal GraphQL client for the stack's own queries against apps/api.

export class GraphqlError extends Error {
  override readonly name = 'GraphqlError';
}

export interface GraphqlClient {
  readonly url: string;
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export function graphqlClient(url: string, token: string): GraphqlClient {
  return {
    url,
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json().catch(() => ({}))) as {
        data?: T;
        errors?: Array<{ message: string }>;
        error?: { message: string };
      };
      if (body.errors?.length) throw new GraphqlError(body.errors.map((e) => e.message).join('; '));
      if (!response.ok || body.data === undefined) {
        throw new GraphqlError(`HTTP ${response.status}${body.error ? `: ${body.error.message}` : ''}`);
      }
      return body.data;
    },
  };
}

export interface StabilityEntry {
  host: { name: string };
  pool: { name: string };
  addressBefore: string | null;
  addressAfter: string | null;
  outcome: 'KEPT' | 'CHANGED' | 'NEW' | 'GONE';
  preallocated: boolean;
  intervalsInWindow: number;
}

export interface StabilityReport {
  stable: boolean;
  from: string;
  to: string;
  totals: {
    entries: number;
    hosts: number;
    kept: number;
    changed: number;
    new: number;
    gone: number;
    preallocated: number;
    reallocatedKept: number;
  };
  entries: StabilityEntry[];
}

export const STABILITY_QUERY = `query StackStability($cluster: String!, $from: DateTime!, $to: DateTime!) {
  stabilityReport(cluster: $cluster, from: $from, to: $to) {
    stable from to
    totals { entries hosts kept changed new gone preallocated reallocatedKept }
    entries(first: 1000) {
      edges { node { host { name } pool { name } addressBefore addressAfter outcome preallocated intervalsInWindow } }
    }
  }
}`;

export async function stabilityReport(
  client: GraphqlClient,
  cluster: string,
  from: Date,
  to: Date,
): Promise<StabilityReport> {
  const data = await client.request<{
    stabilityReport: Omit<StabilityReport, 'entries'> & {
      entries: { edges: Array<{ node: StabilityEntry }> };
    };
  }>(STABILITY_QUERY, { cluster, from: from.toISOString(), to: to.toISOString() });
  const report = data.stabilityReport;
  return { ...report, entries: report.entries.edges.map((edge) => edge.node) };
}

export const CURRENT_ADDRESSES_QUERY = `query StackCurrent($cluster: String!) {
  hosts(cluster: $cluster, first: 1000) {
    edges { node { name addresses { address pool { name } } } }
  }
}`;

/** host → pool → address, as recorded by the API. */
export async function recordedAddresses(
  client: GraphqlClient,
  cluster: string,
): Promise<Map<string, Map<string, string>>> {
  const data = await client.request<{
    hosts: {
      edges: Array<{ node: { name: string; addresses: Array<{ address: string; pool: { name: string } }> } }>;
    };
  }>(CURRENT_ADDRESSES_QUERY, { cluster });
  const result = new Map<string, Map<string, string>>();
  for (const { node } of data.hosts.edges) {
    result.set(node.name, new Map(node.addresses.map((a) => [a.pool.name, a.address])));
  }
  return result;
}
