// stableip dashboard: plain browser JavaScript, no dependencies, nothing loaded from the internet.
// Reads the GraphQL API (apps/api/schema.graphql) with the user's bearer token, which is kept in
// this tab's sessionStorage only. A link may carry `#token=…&cluster=…&from=…&to=…` (the fragment
// never reaches a server); the token is moved to sessionStorage and removed from the address bar.
'use strict';

const TOKEN_KEY = 'stableip.token';
const $ = (selector) => document.querySelector(selector);

const state = { cluster: null, hosts: [], pools: [], selectedHost: null };

// ---- GraphQL ------------------------------------------------------------------------------------

async function graphql(query, variables = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new Error('Enter an API token to load data.');
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  let body = {};
  try {
    body = await response.json();
  } catch {
    /* not JSON */
  }
  if (response.status === 401) throw new Error('The token was not accepted (401). Check it and try again.');
  if (response.status === 403) throw new Error('The token is not allowed to read this (403).');
  if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  if (!response.ok || !body.data) throw new Error(`The API answered ${response.status}.`);
  return body.data;
}

const CLUSTERS = `query DashboardClusters { clusters { name headSeq } }`;

const OVERVIEW = `query DashboardOverview($cluster: String!) {
  pools(cluster: $cluster, first: 200) {
    edges { node { id name namespace capacity used usage
      ranges { start end family }
      preAllocationCoverage { entries inEffect ratio used } } }
  }
  hosts(cluster: $cluster, first: 1000) {
    edges { node { id name namespace deletedAt
      addresses { address family preallocated source validFrom pool { name } } } }
  }
}`;

const HOST_HISTORY = `query DashboardHostHistory($cluster: String!, $name: String!, $namespace: String) {
  host(cluster: $cluster, name: $name, namespace: $namespace) {
    name namespace firstSeenAt
    history(first: 1000) {
      edges { node { address family validFrom validTo source preallocated current pool { name } claim { name } } }
    }
  }
}`;

const STABILITY = `query DashboardStability($cluster: String!, $from: DateTime!, $to: DateTime!) {
  stabilityReport(cluster: $cluster, from: $from, to: $to) {
    stable from to
    totals { entries hosts kept changed new gone preallocated reallocatedKept }
    entries(first: 1000) {
      edges { node { host { name namespace } pool { name } addressBefore addressAfter outcome preallocated intervalsInWindow } }
    }
  }
}`;

// ---- helpers ------------------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    // Through the CSSOM: the page's CSP (style-src 'self') blocks inline style attributes.
    else if (key === 'style') Object.assign(node.style, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function status(message, kind = 'info') {
  const node = $('#status');
  node.textContent = message;
  node.className = message ? kind : '';
}

function formatTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

function percent(value) {
  if (value > 0 && value < 0.001) return '<0.1%';
  return `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`;
}

/** Decimal strings (IPv6 ranges exceed 2^53): group digits, abbreviate huge values. */
function formatCount(decimal) {
  const text = String(decimal);
  if (text.length > 15) return `~10^${text.length - 1}`;
  return Number(text).toLocaleString();
}

/** `datetime-local` value (local time, seconds) ↔ Date. */
function toLocalInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function parseFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  }
  return params;
}

// ---- rendering ----------------------------------------------------------------------------------

function renderPools(pools) {
  const container = $('#pools');
  container.replaceChildren();
  if (pools.length === 0) container.append(el('p', { class: 'muted', text: 'No pools recorded yet.' }));
  for (const pool of pools) {
    const usage = Math.min(1, Math.max(0, pool.usage));
    const coverage = pool.preAllocationCoverage;
    container.append(
      el(
        'article',
        { class: 'card pool', 'data-pool': pool.name },
        el('h3', { text: pool.name }),
        el('p', {
          class: 'muted',
          text: `${pool.namespace} · ${pool.ranges.map((r) => `${r.start} – ${r.end}`).join(', ')}`,
        }),
        el(
          'div',
          {
            class: 'bar',
            role: 'meter',
            'aria-valuemin': 0,
            'aria-valuemax': 1,
            'aria-valuenow': usage,
            'aria-label': `${pool.name} usage`,
          },
          el('span', { style: { width: `${Math.max(usage > 0 ? 1.5 : 0, usage * 100)}%` } }),
        ),
        el(
          'p',
          { class: 'usage' },
          el('strong', { class: 'used', text: String(pool.used) }),
          ` of `,
          el('span', { class: 'capacity', text: formatCount(pool.capacity) }),
          ` addresses in use (${percent(pool.usage)})`,
        ),
        el('p', {
          class: 'coverage muted',
          text: `preAllocations: ${coverage.entries} entries, ${coverage.inEffect} of ${coverage.used} holders pinned`,
        }),
      ),
    );
  }
}

function renderHosts(hosts, pools) {
  const poolNames = pools.map((p) => p.name);
  for (const host of hosts)
    for (const a of host.addresses) if (!poolNames.includes(a.pool.name)) poolNames.push(a.pool.name);
  const head = $('#hosts thead');
  head.replaceChildren(
    el(
      'tr',
      {},
      el('th', { text: 'Host' }),
      el('th', { text: 'Namespace' }),
      poolNames.map((name) => el('th', { text: name })),
    ),
  );
  const body = $('#hosts tbody');
  body.replaceChildren();
  $('#host-count').textContent = `(${hosts.length})`;
  for (const host of hosts) {
    const byPool = new Map(host.addresses.map((a) => [a.pool.name, a]));
    body.append(
      el(
        'tr',
        { 'data-host': host.name, class: host.name === state.selectedHost?.name ? 'selected' : '' },
        el(
          'td',
          {},
          el('button', {
            type: 'button',
            class: 'link host-link',
            text: host.name,
            title: `Show the timeline of ${host.name}`,
            onclick: () => selectHost(host),
          }),
          host.deletedAt ? el('span', { class: 'badge gone', text: 'deleted' }) : null,
        ),
        el('td', { text: host.namespace }),
        poolNames.map((name) => {
          const assignment = byPool.get(name);
          if (!assignment) return el('td', { class: 'muted', text: '—' });
          return el(
            'td',
            { class: 'address', 'data-pool': name },
            el('code', { text: assignment.address }),
            assignment.preallocated
              ? el('span', { class: 'badge pinned', text: 'pinned', title: 'preAllocations entry' })
              : null,
          );
        }),
      ),
    );
  }
}

function renderTimeline(host) {
  $('#timeline-section').hidden = false;
  $('#timeline-host').textContent = host.name;
  const history = host.history.edges.map((e) => e.node);
  const now = Date.now();
  const start = Math.min(...history.map((a) => Date.parse(a.validFrom)), Date.parse(host.firstSeenAt));
  const span = Math.max(1, now - start);
  const position = (iso) => ((Date.parse(iso) - start) / span) * 100;
  const pools = [...new Set(history.map((a) => a.pool.name))].sort();
  const timeline = $('#timeline');
  timeline.replaceChildren(
    el(
      'div',
      { class: 'axis' },
      el('span', { text: formatTime(new Date(start).toISOString()) }),
      el('span', { text: 'now' }),
    ),
  );
  for (const pool of pools) {
    const lane = el('div', { class: 'lane' });
    for (const a of history.filter((h) => h.pool.name === pool)) {
      const left = position(a.validFrom);
      const right = a.validTo ? position(a.validTo) : 100;
      lane.append(
        el(
          'div',
          {
            class: `segment ${a.current ? 'current' : 'past'} ${a.preallocated ? 'pinned' : ''}`,
            style: { left: `${left}%`, width: `${Math.max(0.6, right - left)}%` },
            title: `${a.address} (${a.source.toLowerCase()}) ${formatTime(a.validFrom)} → ${a.validTo ? formatTime(a.validTo) : 'now'}, claim ${a.claim.name}`,
          },
          el('span', { text: a.address }),
        ),
      );
    }
    timeline.append(
      el('div', { class: 'row', 'data-pool': pool }, el('div', { class: 'lane-name', text: pool }), lane),
    );
  }
  const body = $('#history tbody');
  body.replaceChildren();
  for (const a of history) {
    body.append(
      el(
        'tr',
        {},
        el('td', { text: a.pool.name }),
        el('td', {}, el('code', { text: a.address })),
        el('td', { text: formatTime(a.validFrom) }),
        el('td', { text: a.validTo ? formatTime(a.validTo) : 'now' }),
        el('td', { text: a.claim.name }),
        el('td', { text: `${a.source.toLowerCase()}${a.preallocated ? ' (pinned)' : ''}` }),
      ),
    );
  }
}

function renderStability(report) {
  const t = report.totals;
  const verdict = $('#stability-verdict');
  verdict.className = report.stable ? 'verdict ok' : 'verdict bad';
  verdict.textContent = report.stable
    ? `Stable: no address changed or disappeared between ${formatTime(report.from)} and ${formatTime(report.to)}.`
    : `Not stable: ${t.changed} changed and ${t.gone} gone between ${formatTime(report.from)} and ${formatTime(report.to)}.`;
  const totals = $('#stability-totals');
  totals.replaceChildren();
  for (const [label, value] of [
    ['hosts', t.hosts],
    ['entries', t.entries],
    ['kept', t.kept],
    ['changed', t.changed],
    ['new', t.new],
    ['gone', t.gone],
    ['preallocated', t.preallocated],
    ['re-allocated, same address', t.reallocatedKept],
  ]) {
    totals.append(
      el('div', { 'data-total': label }, el('dt', { text: label }), el('dd', { text: String(value) })),
    );
  }
  const body = $('#stability tbody');
  body.replaceChildren();
  const entries = report.entries.edges.map((e) => e.node);
  entries.sort((a, b) => a.host.name.localeCompare(b.host.name) || a.pool.name.localeCompare(b.pool.name));
  for (const entry of entries) {
    body.append(
      el(
        'tr',
        { class: `outcome-${entry.outcome.toLowerCase()}` },
        el('td', { text: entry.host.name }),
        el('td', { text: entry.pool.name }),
        el('td', {}, el('code', { text: entry.addressBefore ?? '—' })),
        el('td', {}, el('code', { text: entry.addressAfter ?? '—' })),
        el(
          'td',
          {},
          el('span', { class: `badge ${entry.outcome.toLowerCase()}`, text: entry.outcome.toLowerCase() }),
        ),
        el('td', { text: entry.preallocated ? 'yes' : 'no' }),
      ),
    );
  }
}

// ---- actions ------------------------------------------------------------------------------------

async function selectHost(host) {
  state.selectedHost = host;
  for (const row of document.querySelectorAll('#hosts tbody tr'))
    row.classList.toggle('selected', row.dataset.host === host.name);
  try {
    const data = await graphql(HOST_HISTORY, {
      cluster: state.cluster,
      name: host.name,
      namespace: host.namespace,
    });
    if (!data.host) throw new Error(`Host ${host.name} is not recorded.`);
    renderTimeline(data.host);
    $('#timeline-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
  } catch (error) {
    status(error.message, 'error');
  }
}

async function loadStability() {
  const from = new Date($('#from').value);
  const to = new Date($('#to').value);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return;
  try {
    const data = await graphql(STABILITY, {
      cluster: state.cluster,
      from: from.toISOString(),
      to: to.toISOString(),
    });
    renderStability(data.stabilityReport);
  } catch (error) {
    status(error.message, 'error');
  }
}

async function loadCluster() {
  const data = await graphql(OVERVIEW, { cluster: state.cluster });
  state.pools = data.pools.edges.map((e) => e.node).sort((a, b) => a.name.localeCompare(b.name));
  state.hosts = data.hosts.edges
    .map((e) => e.node)
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  renderPools(state.pools);
  renderHosts(state.hosts, state.pools);
  await loadStability();
  status(`Cluster ${state.cluster}: ${state.pools.length} pools, ${state.hosts.length} hosts.`, 'ok');
}

async function load(fragment) {
  if (!sessionStorage.getItem(TOKEN_KEY)) {
    status('Enter an API token to load data.', 'info');
    return;
  }
  try {
    status('Loading…');
    const { clusters } = await graphql(CLUSTERS);
    const select = $('#cluster');
    select.replaceChildren(...clusters.map((c) => el('option', { value: c.name, text: c.name })));
    if (clusters.length === 0) {
      status('No clusters recorded yet: is the recorder running?', 'info');
      return;
    }
    const wanted = fragment?.get('cluster');
    state.cluster = clusters.some((c) => c.name === wanted) ? wanted : (state.cluster ?? clusters[0].name);
    select.value = state.cluster;
    await loadCluster();
  } catch (error) {
    status(error.message, 'error');
  }
}

function setWindow(from, to) {
  $('#from').value = toLocalInput(from);
  $('#to').value = toLocalInput(to);
}

document.addEventListener('DOMContentLoaded', () => {
  const fragment = parseFragment();
  const now = new Date();
  const from = fragment.get('from') ? new Date(fragment.get('from')) : new Date(now.getTime() - 60 * 60_000);
  const to = fragment.get('to') ? new Date(fragment.get('to')) : now;
  setWindow(from, to);

  $('#token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('#token').value.trim();
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    $('#token').value = '';
    void load();
  });
  $('#forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    status('Token forgotten.', 'info');
  });
  $('#cluster').addEventListener('change', (event) => {
    state.cluster = event.target.value;
    state.selectedHost = null;
    $('#timeline-section').hidden = true;
    void loadCluster().catch((error) => status(error.message, 'error'));
  });
  $('#window-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void loadStability();
  });
  for (const button of document.querySelectorAll('.presets button')) {
    button.addEventListener('click', () => {
      const end = new Date();
      setWindow(new Date(end.getTime() - Number(button.dataset.minutes) * 60_000), end);
      void loadStability();
    });
  }
  void load(fragment);
});
