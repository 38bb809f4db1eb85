import { docker, inspect, nginxWorkerPids } from './docker';
import { freePort } from './http';
import { repoRoot } from './repo';
import { waitForRotation } from './rotation';

export interface StackOptions {
  /** Extra environment for compose's variable substitution (e.g. RATE_LIMIT_RATE). */
  env?: Record<string, string>;
  replicas?: number;
  /** Compose files layered on top of COMPOSE_FILE (or docker-compose.yml), e.g. docker-compose.monitoring.yml. */
  extraFiles?: string[];
  /** Compose project name; `rrtest-<name>` unless given (the benchmark's stacks are `rrbench-...`). */
  project?: string;
  /** Keep docker-compose.yml's rate limit; otherwise LOAD_TEST_RATE_LIMIT, unless `env` sets one. */
  productRateLimit?: boolean;
  /**
   * false: `up` does not wait for NGINX to rotate over the replicas, which it never does for one client address
   * under LB_METHOD=ip_hash (every request from this host goes to one replica).
   */
  waitForRotation?: boolean;
}

/**
 * A test's load comes from one address (the host, through the published port) at hundreds of requests a
 * second, far above the product's per-address limit: test stacks lift it unless a test is about that limit.
 */
export const LOAD_TEST_RATE_LIMIT = { RATE_LIMIT_RATE: '100000r/s', RATE_LIMIT_BURST: '100000' };

/**
 * One real compose project, from the same docker-compose.yml and nginx.conf a user runs
 * (plus whatever COMPOSE_FILE adds, e.g. the air-gap override in CI). Each test file gets its
 * own project name and a free host port, so stacks never collide; images are built once, in
 * global-setup.ts.
 */
export class ComposeStack {
  private constructor(
    readonly project: string,
    readonly port: number,
    /** The host port of NGINX's HTTPS listener (HTTPS_PORT), also free, so stacks never collide on 443. */
    readonly httpsPort: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async up(name: string, options: StackOptions = {}): Promise<ComposeStack> {
    const [port, httpsPort] = [await freePort(), await freePort()];
    const rateLimit = options.productRateLimit ? {} : LOAD_TEST_RATE_LIMIT;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...rateLimit,
      HTTP_PORT: String(port),
      HTTPS_PORT: String(httpsPort),
      ...options.env,
    };
    if (options.extraFiles) {
      env.COMPOSE_FILE = [...(env.COMPOSE_FILE ?? 'docker-compose.yml').split(':'), ...options.extraFiles].join(':');
    }
    const stack = new ComposeStack(options.project ?? `rrtest-${name}`, port, httpsPort, env);
    await stack.removeLeftovers();
    const replicas = options.replicas ?? 3;
    try {
      await stack.compose(['up', '--detach', '--no-build', '--wait', '--scale', `server=${replicas}`], 180_000);
      if (options.waitForRotation !== false) await stack.waitForReplicas(replicas);
    } catch (err) {
      // A stack that never came up is not left running: no caller gets it to call down() on.
      await stack.down().catch(() => undefined);
      throw err;
    }
    return stack;
  }

  url(pathname = '/'): string {
    return `http://127.0.0.1:${this.port}${pathname}`;
  }

  /** The same path over HTTPS; `localhost`, a name the stack's certificate holds. */
  httpsUrl(pathname = '/'): string {
    return `https://localhost:${this.httpsPort}${pathname}`;
  }

  compose(args: string[], timeoutMs = 120_000) {
    return docker(['compose', '--project-directory', repoRoot, '--project-name', this.project, ...args], {
      env: this.env,
      timeoutMs,
    });
  }

  /** Container ids of a service, in compose's order. */
  async containers(service: string): Promise<string[]> {
    const { stdout } = await this.compose(['ps', '--quiet', service]);
    return stdout.split('\n').filter(Boolean);
  }

  async hostnames(): Promise<string[]> {
    const ids = await this.containers('server');
    return Promise.all(ids.map(async (id) => (await inspect(id)).Config.Hostname));
  }

  /** Waits until NGINX has seen exactly `count` replicas through DNS and each one answers. */
  async waitForReplicas(count: number, timeoutMs = 60_000): Promise<void> {
    await waitForRotation(this.url('/api/whoami'), count, () => this.hostnames(), timeoutMs);
  }

  /** Runs a command inside a service's first container (the nginx image has curl). */
  async exec(service: 'server' | 'nginx', command: string[]) {
    return this.compose(['exec', '-T', service, ...command]);
  }

  /** Worker process ids of the NGINX container: a reload replaces them all. */
  async nginxWorkerPids(): Promise<string[]> {
    const [nginx] = await this.containers('nginx');
    return nginxWorkerPids(nginx);
  }

  /**
   * Leftovers of an aborted run. Compose 2.26's `down` can fail on a half-removed project ("could not find
   * certs"): then its containers go by their project label, and `down` takes the rest.
   */
  private async removeLeftovers(): Promise<void> {
    const down = ['down', '--volumes', '--remove-orphans', '--timeout', '5'];
    try {
      await this.compose(down);
    } catch {
      const label = `label=com.docker.compose.project=${this.project}`;
      const ids = (await docker(['ps', '--all', '--quiet', '--filter', label])).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await docker(['rm', '--force', ...ids]);
      await this.compose(down);
    }
  }

  async down(): Promise<void> {
    await this.compose(['down', '--volumes', '--remove-orphans', '--timeout', '10']);
  }
}
