/** What the benchmark measures: each scenario is one target, reached by wrk from one place. */

export type ScenarioId =
  | 'direct'
  | 'nginx-1'
  | 'nginx-2'
  | 'nginx-3'
  | 'nginx-3-no-keepalive'
  | 'nginx-return-200'
  | 'bare-express'
  | 'published-port'
  | 'nginx-3-close'
  | 'nginx-3-https'
  | 'nginx-3-https-close'
  | 'nginx-3-h2';

export interface Scenario {
  id: ScenarioId;
  label: string;
  /** Which bench stack: the one with this many replicas behind its NGINX. */
  replicas: 1 | 2 | 3;
  /**
   * `network`: wrk in a container on the stack's network, like NGINX reaching a replica (no Docker port
   * publishing in the path). `host`: wrk in the host's network namespace, through the published port.
   */
  via: 'network' | 'host';
  /** NGINX passes the requests on to replicas (its upstream connects are worth counting). */
  proxied: boolean;
  /** Needs the bare Express service in its stack. */
  needsBare?: boolean;
  /** Only at the middle concurrency level (the scaling curve's midpoint), to keep the run short. */
  middleLevelOnly?: boolean;
  /** The load generator: wrk (HTTP/1.1, the default), or h2load for HTTP/2. */
  tool?: 'wrk' | 'h2load';
  /** Request headers wrk adds: `Connection: close` makes every request a new connection. */
  headers?: string[];
  url(publishedPort: number): string;
}

/** The path a user's `curl localhost` asks for, on every target. */
const PATH = '/';

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'direct',
    label: 'one replica, direct',
    replicas: 1,
    via: 'network',
    proxied: false,
    url: () => `http://server:3000${PATH}`,
  },
  {
    id: 'nginx-1',
    proxied: true,
    label: 'NGINX → 1 replica',
    replicas: 1,
    via: 'network',
    url: () => `http://nginx:8080${PATH}`,
  },
  {
    id: 'nginx-2',
    proxied: true,
    label: 'NGINX → 2 replicas',
    replicas: 2,
    via: 'network',
    middleLevelOnly: true,
    url: () => `http://nginx:8080${PATH}`,
  },
  {
    id: 'nginx-3',
    proxied: true,
    label: 'NGINX → 3 replicas',
    replicas: 3,
    via: 'network',
    url: () => `http://nginx:8080${PATH}`,
  },
  // Port 8090 and 8091: tools/bench/nginx/bench.conf.
  {
    id: 'nginx-3-no-keepalive',
    proxied: true,
    label: 'NGINX → 3, no upstream keep-alive',
    replicas: 3,
    via: 'network',
    url: () => `http://nginx:8090${PATH}`,
  },
  {
    id: 'nginx-return-200',
    proxied: false,
    label: 'NGINX `return 200` (no replica)',
    replicas: 3,
    via: 'network',
    url: () => `http://nginx:8091${PATH}`,
  },
  {
    id: 'bare-express',
    proxied: false,
    label: 'bare Express hello-world',
    replicas: 3,
    via: 'network',
    needsBare: true,
    url: () => `http://bare-express:3000${PATH}`,
  },
  {
    id: 'published-port',
    proxied: true,
    label: 'NGINX → 3 via published host port',
    replicas: 3,
    via: 'host',
    url: (port) => `http://127.0.0.1:${port}${PATH}`,
  },
  // HTTP and HTTPS side by side (docs/benchmarks.md, HTTPS): NGINX's TLS port 8443 inside the network.
  // A new connection per request costs a TCP handshake (plain) or TCP + TLS (https): their difference is TLS's.
  {
    id: 'nginx-3-close',
    proxied: true,
    label: 'NGINX → 3, a new connection per request',
    replicas: 3,
    via: 'network',
    middleLevelOnly: true,
    headers: ['Connection: close'],
    url: () => `http://nginx:8080${PATH}`,
  },
  {
    id: 'nginx-3-https',
    proxied: true,
    label: 'NGINX → 3 over HTTPS (HTTP/1.1, keep-alive)',
    replicas: 3,
    via: 'network',
    url: () => `https://nginx:8443${PATH}`,
  },
  {
    id: 'nginx-3-https-close',
    proxied: true,
    label: 'NGINX → 3 over HTTPS, a new connection per request',
    replicas: 3,
    via: 'network',
    middleLevelOnly: true,
    headers: ['Connection: close'],
    url: () => `https://nginx:8443${PATH}`,
  },
  {
    id: 'nginx-3-h2',
    proxied: true,
    label: 'NGINX → 3 over HTTP/2 (h2load, one stream per connection)',
    replicas: 3,
    via: 'network',
    tool: 'h2load',
    url: () => `https://nginx:8443${PATH}`,
  },
];

export function selectScenarios(ids: readonly string[] | undefined): Scenario[] {
  if (ids === undefined || ids.length === 0) return [...SCENARIOS];
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  }
  return SCENARIOS.filter((s) => ids.includes(s.id));
}

export function levelsFor(scenario: Scenario, connections: readonly number[]): number[] {
  return scenario.middleLevelOnly ? [connections[Math.floor((connections.length - 1) / 2)]] : [...connections];
}
