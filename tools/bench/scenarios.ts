/**
 * What the benchmark measures: each scenario is one target, reached by wrk from one place, in one of three
 * sets (docs/benchmarks.md): `per-core`, every replica capped at the same CPU quota so the replicas, not the
 * machine, run out (the scaling verdicts); `machine`, the replicas uncapped on the shared cores (contention
 * on a small machine, informational); `nginx-cost`, NGINX's CPU per request with one piece of its
 * configuration taken out at a time; `https`, NGINX → 3 over HTTPS/1.1, HTTP/2 and with a new connection per
 * request, beside plain HTTP. A new scenario is one more entry in SCENARIOS.
 */

type ScenarioSet = 'per-core' | 'machine' | 'nginx-cost' | 'https';

export type ScenarioId =
  | 'direct'
  | 'nginx-1'
  | 'nginx-2'
  | 'nginx-3'
  | 'nginx-3-no-keepalive'
  | 'nginx-return-200'
  | 'bare-express'
  | 'published-port'
  | 'quota-direct'
  | `quota-nginx-${1 | 2 | 3 | 4}`
  | 'quota-nginx-3-least-conn'
  | `cost-${string}`
  | 'nginx-3-close'
  | 'nginx-3-https'
  | 'nginx-3-https-close'
  | 'nginx-3-h2';

export interface Scenario {
  id: ScenarioId;
  label: string;
  set: ScenarioSet;
  /** Which bench stack: the one with this many replicas behind its NGINX. */
  replicas: 1 | 2 | 3 | 4;
  /** Every replica of the stack capped at BENCH_REPLICA_CPUS (docker update --cpus) while this one runs. */
  quota?: boolean;
  /**
   * `network`: wrk in a container on the stack's network, like NGINX reaching a replica (no Docker port
   * publishing in the path). `host`: wrk in the host's network namespace, through the published port.
   */
  via: 'network' | 'host';
  /** NGINX passes the requests on to replicas (its upstream connects are worth counting). */
  proxied: boolean;
  /** Needs the bare Express service in its stack. */
  needsBare?: boolean;
  /**
   * The concurrency levels: every level of BENCH_CONNECTIONS (default), only the middle one (a curve's
   * midpoint, to keep the run short), or one fixed number of connections.
   */
  levels?: 'middle' | number;
  /**
   * Left out of the default run, selectable by id. NGINX → 4 at q: 4 × 0.25 CPU of replicas, NGINX and wrk leave
   * a shared 2-core machine nothing to spare below 85 %. NGINX → 3 at q by least_conn: a diagnosis, not the product.
   */
  onRequest?: boolean;
  /** nginx-cost: what this port leaves out of the user-facing proxy (port 8080), and what the product does with it. */
  piece?: { change: string; product: string };
  /** The load generator: wrk (HTTP/1.1, the default), or h2load for HTTP/2. */
  tool?: 'wrk' | 'h2load';
  /** Request headers wrk adds: `Connection: close` makes every request a new connection. */
  headers?: string[];
  url(publishedPort: number): string;
}

/** The path a user's `curl localhost` asks for, on every target. */
const PATH = '/';
/** Per-core scenarios: the same load per replica (one replica direct at this, NGINX → N at N times this). */
const CONNECTIONS_PER_REPLICA = 16;
/** nginx-cost scenarios: one level, where the proxy is busy without a queue in front of it. */
const COST_CONNECTIONS = 50;

const REPLICA = `http://server:3000${PATH}`;
const nginxPort = (port: number) => `http://nginx:${port}${PATH}`;

function perCore(replicas: 1 | 2 | 3 | 4): Scenario {
  return {
    onRequest: replicas > 3,
    id: `quota-nginx-${replicas}`,
    label: `NGINX → ${replicas} at q`,
    set: 'per-core',
    replicas,
    quota: true,
    via: 'network',
    proxied: true,
    levels: CONNECTIONS_PER_REPLICA * replicas,
    url: () => nginxPort(8080),
  };
}

// Ports 8090-8102: tools/bench/nginx/bench.conf.
function cost(port: number, slug: string, change: string, product: string): Scenario {
  return {
    id: `cost-${slug}`,
    label: `NGINX → 3, ${change}`,
    set: 'nginx-cost',
    replicas: 3,
    via: 'network',
    proxied: true,
    levels: COST_CONNECTIONS,
    piece: { change, product },
    url: () => nginxPort(port),
  };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'quota-direct',
    label: 'one replica at q, direct',
    set: 'per-core',
    replicas: 1,
    quota: true,
    via: 'network',
    proxied: false,
    levels: CONNECTIONS_PER_REPLICA,
    url: () => REPLICA,
  },
  perCore(1),
  perCore(2),
  perCore(3),
  perCore(4),
  {
    ...perCore(3),
    id: 'quota-nginx-3-least-conn',
    label: 'NGINX → 3 at q, least_conn',
    onRequest: true,
    url: () => nginxPort(8102),
  },
  {
    id: 'direct',
    label: 'one replica, direct',
    set: 'machine',
    replicas: 1,
    via: 'network',
    proxied: false,
    url: () => REPLICA,
  },
  {
    id: 'nginx-1',
    proxied: true,
    label: 'NGINX → 1 replica',
    set: 'machine',
    replicas: 1,
    via: 'network',
    url: () => nginxPort(8080),
  },
  {
    id: 'nginx-2',
    proxied: true,
    label: 'NGINX → 2 replicas',
    set: 'machine',
    replicas: 2,
    via: 'network',
    levels: 'middle',
    url: () => nginxPort(8080),
  },
  {
    id: 'nginx-3',
    proxied: true,
    label: 'NGINX → 3 replicas',
    set: 'machine',
    replicas: 3,
    via: 'network',
    url: () => nginxPort(8080),
  },
  {
    id: 'nginx-3-no-keepalive',
    proxied: true,
    label: 'NGINX → 3, no upstream keep-alive',
    set: 'machine',
    replicas: 3,
    via: 'network',
    url: () => nginxPort(8090),
  },
  {
    id: 'bare-express',
    proxied: false,
    label: 'bare Express hello-world',
    set: 'machine',
    replicas: 3,
    via: 'network',
    needsBare: true,
    url: () => `http://bare-express:3000${PATH}`,
  },
  {
    id: 'published-port',
    proxied: true,
    label: 'NGINX → 3 via published host port',
    set: 'machine',
    replicas: 3,
    via: 'host',
    url: (port) => `http://127.0.0.1:${port}${PATH}`,
  },
  {
    id: 'cost-none',
    label: 'NGINX → 3, the whole proxy (8080)',
    set: 'nginx-cost',
    replicas: 3,
    via: 'network',
    proxied: true,
    levels: COST_CONNECTIONS,
    url: () => nginxPort(8080),
  },
  {
    id: 'nginx-return-200',
    proxied: false,
    label: 'NGINX `return 200` (no replica)',
    set: 'nginx-cost',
    replicas: 3,
    via: 'network',
    levels: COST_CONNECTIONS,
    url: () => nginxPort(8091),
  },
  cost(8092, 'access-log', 'access_log off', 'kept: one JSON line per request'),
  cost(8093, 'limit-req', 'no limit_req', 'kept: per-client flood protection'),
  cost(8094, 'add-header', 'no security headers (add_header)', 'kept: browser hardening'),
  cost(8095, 'method-check', 'no method check (map + if)', 'kept: 405 at the edge'),
  cost(
    8096,
    'proxy-headers',
    'no X-Forwarded-*, X-Real-IP, X-Request-ID, Host to the replica',
    'kept: address and tracing',
  ),
  cost(8097, 'pool-32', 'upstream keepalive 32 (default) instead of 512', 'kept: 512'),
  cost(8098, 'proxy-buffering', 'proxy_buffering off', 'kept: on (default)'),
  cost(8099, 'tcp-nodelay', 'tcp_nodelay off', 'kept: on (default)'),
  cost(8100, 'reuseport', 'listen ... reuseport', 'kept: no reuseport (one worker)'),
  cost(8101, 'everything', 'all of the above off', '–'),
  // HTTP and HTTPS side by side (docs/benchmarks.md, HTTPS): NGINX's TLS port 8443 inside the network, beside
  // `nginx-3`. A new connection per request costs a TCP handshake (plain) or TCP + TLS (https): the difference is TLS.
  {
    id: 'nginx-3-close',
    proxied: true,
    label: 'NGINX → 3, a new connection per request',
    set: 'https',
    replicas: 3,
    via: 'network',
    levels: 'middle',
    headers: ['Connection: close'],
    url: () => nginxPort(8080),
  },
  {
    id: 'nginx-3-https',
    proxied: true,
    label: 'NGINX → 3 over HTTPS (HTTP/1.1, keep-alive)',
    set: 'https',
    replicas: 3,
    via: 'network',
    url: () => `https://nginx:8443${PATH}`,
  },
  {
    id: 'nginx-3-https-close',
    proxied: true,
    label: 'NGINX → 3 over HTTPS, a new connection per request',
    set: 'https',
    replicas: 3,
    via: 'network',
    levels: 'middle',
    headers: ['Connection: close'],
    url: () => `https://nginx:8443${PATH}`,
  },
  {
    id: 'nginx-3-h2',
    proxied: true,
    label: 'NGINX → 3 over HTTP/2 (h2load, one stream per connection)',
    set: 'https',
    replicas: 3,
    via: 'network',
    tool: 'h2load',
    url: () => `https://nginx:8443${PATH}`,
  },
];

export function selectScenarios(ids: readonly string[] | undefined): Scenario[] {
  if (ids === undefined || ids.length === 0) return SCENARIOS.filter((s) => !s.onRequest);
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id || s.set === id));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  }
  return SCENARIOS.filter((s) => ids.includes(s.id) || (ids.includes(s.set) && !s.onRequest));
}

export function levelsFor(scenario: Scenario, connections: readonly number[]): number[] {
  if (typeof scenario.levels === 'number') return [scenario.levels];
  return scenario.levels === 'middle' ? [connections[Math.floor((connections.length - 1) / 2)]] : [...connections];
}
