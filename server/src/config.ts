import type { LevelWithSilent } from 'pino';

/**
 * The replica's configuration, read from the environment once at start-up.
 * Every variable is validated here so that a typo fails fast with one line naming it,
 * instead of surfacing later as odd behaviour.
 */
export interface Config {
  /** TCP port the HTTP server listens on inside the container. */
  port: number;
  /**
   * How long an idle keep-alive connection stays open. Must stay ABOVE NGINX's upstream
   * `keepalive_timeout` (60 s in nginx/nginx.conf): the side that closes first must be the
   * proxy, or NGINX can reuse a socket Node is closing and answer 502.
   */
  keepAliveTimeoutMs: number;
  /**
   * Queue of connections the kernel accepts before Node does (listen backlog; the kernel caps it at
   * net.core.somaxconn). Node's default, 511, overflowed when a thousand clients arrived through NGINX at
   * once: each dropped SYN is retried after 1 s, which showed as a p99 above a second (docs/benchmarks.md).
   */
  listenBacklog: number;
  /** Upper bound on a graceful shutdown: in-flight requests get this long before sockets are cut. */
  shutdownTimeoutMs: number;
  /**
   * How long a stopping replica keeps accepting (and answering, with `Connection: close`) before it
   * closes its listener. 0 under Compose; under Swarm, longer than NGINX's DNS refresh (see
   * docker-compose.swarm.yml), so NGINX has dropped the address before it stops answering.
   */
  shutdownDelayMs: number;
  /** Reported by the identity endpoints, so a rolling update can be watched replica by replica. */
  version: string;
  /** The least severe log lines written. Requests log at info; probes and scrapes at debug. */
  logLevel: LevelWithSilent;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function readVersion(env: Env): string {
  const raw = env.APP_VERSION;
  if (raw === undefined || raw === '') return 'dev';
  if (!/^[\w.+-]{1,64}$/.test(raw)) {
    throw new ConfigError(`APP_VERSION must be 1-64 characters of letters, digits, ".", "_", "+" or "-", got "${raw}"`);
  }
  return raw;
}

const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function readLogLevel(env: Env): LevelWithSilent {
  const raw = env.LOG_LEVEL;
  if (raw === undefined || raw === '') return 'info';
  const level = LOG_LEVELS.find((name) => name === raw);
  if (level === undefined) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return level;
}

export function loadConfig(env: Env): Config {
  return {
    port: readInteger(env, 'PORT', 3000, 1, 65535),
    keepAliveTimeoutMs: readInteger(env, 'KEEP_ALIVE_TIMEOUT_MS', 65_000, 1_000, 600_000),
    listenBacklog: readInteger(env, 'LISTEN_BACKLOG', 4_096, 1, 65_535),
    shutdownTimeoutMs: readInteger(env, 'SHUTDOWN_TIMEOUT_MS', 5_000, 0, 60_000),
    shutdownDelayMs: readInteger(env, 'SHUTDOWN_DELAY_MS', 0, 0, 60_000),
    version: readVersion(env),
    logLevel: readLogLevel(env),
  };
}
