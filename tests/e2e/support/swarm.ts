import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { docker, inspect } from '../../../harness/docker';
import { eventually, freePort } from '../../../harness/http';
import { waitForRotation } from '../../../harness/rotation';
import { repoRoot } from '../../../harness/repo';
import { LOAD_TEST_RATE_LIMIT } from '../../../harness/stack';

/**
 * Swarm mode on the test's engine. The engine may be shared: a swarm that already exists is used
 * and left alone; one this created is left again by `restore()`.
 */
export class SwarmMode {
  private constructor(readonly createdHere: boolean) {}

  static async ensure(): Promise<SwarmMode> {
    const client = (await docker(['version', '--format', '{{.Client.Version}}'])).stdout.trim();
    if (Number(client.split('.')[0]) < 26) {
      throw new Error(
        `docker CLI ${client} cannot \`stack deploy\` docker-compose.yml (it needs 26 or later): \`bash airgap/provision-docker.sh\` installs one.`,
      );
    }
    const { stdout } = await docker(['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}']);
    const [state, manager] = stdout.trim().split(' ');
    if (state === 'inactive') {
      // Loopback: the test host's own address, reachable whatever its network looks like.
      await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      return new SwarmMode(true);
    }
    if (state !== 'active' || manager !== 'true') {
      throw new Error(
        `The engine is in swarm state "${state}" (manager: ${manager}); the Swarm tests need no swarm or a manager node.`,
      );
    }
    return new SwarmMode(false);
  }

  async restore(): Promise<void> {
    if (this.createdHere) await docker(['swarm', 'leave', '--force']);
  }
}

/** The parts of a Swarm task's `docker inspect` the tests read. */
interface TaskDetails {
  Status: { State: string; ContainerStatus: { ContainerID: string } };
  Spec: { ContainerSpec: { Image: string } };
}

/** The parts of a Swarm service's `docker inspect` the tests read. */
export interface ServiceDetails {
  Spec: { EndpointSpec: { Mode: string }; TaskTemplate: { ContainerSpec: { Image: string } } };
  Endpoint: {
    Ports?: { TargetPort: number; PublishedPort: number; PublishMode: string }[];
    VirtualIPs?: unknown[];
  };
  UpdateStatus?: UpdateStatus;
}

export interface UpdateStatus {
  State: string;
  Message?: string;
  StartedAt?: string;
  CompletedAt?: string;
}

/** A throwaway self-signed certificate for localhost, made by the host's openssl in a temp directory. */
function selfSignedLocalhost(): { cert: string; key: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-tls-'));
  const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/**
 * One real `docker stack deploy` of docker-compose.yml plus docker-compose.swarm.yml (after
 * whatever COMPOSE_FILE adds, e.g. the air-gap override in CI), published in host mode on a free port.
 */
export class SwarmStack {
  private constructor(
    readonly name: string,
    readonly port: number,
    /** Host port of NGINX's HTTPS listener. */
    readonly httpsPort: number,
    /** The certificate and key given to Swarm as secrets; the certificate, self-signed, is also the CA to trust. */
    readonly tls: { cert: string; key: string },
  ) {}

  static async deploy(name: string, appVersion: string): Promise<SwarmStack> {
    const stack = new SwarmStack(`rrswarm-${name}`, await freePort(), await freePort(), selfSignedLocalhost());
    await stack.remove(); // leftovers of an aborted run
    await stack.deploy(appVersion);
    return stack;
  }

  url(pathname = '/'): string {
    return `http://127.0.0.1:${this.port}${pathname}`;
  }

  service(name: 'server' | 'nginx'): string {
    return `${this.name}_${name}`;
  }

  /** What a user runs: images are local, so no registry is asked for digests (`--resolve-image never`). */
  async deploy(appVersion: string): Promise<void> {
    const files = [...(process.env.COMPOSE_FILE ?? 'docker-compose.yml').split(':'), 'docker-compose.swarm.yml'];
    const env = {
      ...process.env,
      ...LOAD_TEST_RATE_LIMIT,
      APP_VERSION: appVersion,
      HTTP_PORT: String(this.port),
      HTTPS_PORT: String(this.httpsPort),
      TLS_CERTIFICATE_FILE: this.tls.cert,
      TLS_CERTIFICATE_KEY_FILE: this.tls.key,
    };
    const args = ['stack', 'deploy', '--detach=true', '--resolve-image', 'never'];
    await docker([...args, ...files.flatMap((file) => ['-c', path.resolve(repoRoot, file)]), this.name], { env });
  }

  /** A service's running tasks (for the server, healthy ones: Swarm waits for that), with their image. */
  async runningTasks(service: 'server' | 'nginx'): Promise<{ containerId: string; image: string }[]> {
    const { stdout } = await docker([
      'service',
      'ps',
      '--quiet',
      '--filter',
      'desired-state=running',
      this.service(service),
    ]);
    const tasks = await Promise.all(
      stdout
        .split('\n')
        .filter(Boolean)
        .map((id) => inspect<TaskDetails>(id)),
    );
    return tasks
      .filter((task) => task.Status.State === 'running')
      .map((task) => ({
        containerId: task.Status.ContainerStatus.ContainerID,
        image: task.Spec.ContainerSpec.Image,
      }));
  }

  async containers(service: 'server' | 'nginx'): Promise<string[]> {
    return (await this.runningTasks(service)).map((task) => task.containerId);
  }

  async hostnames(): Promise<string[]> {
    const ids = await this.containers('server');
    return Promise.all(ids.map(async (id) => (await inspect(id)).Config.Hostname));
  }

  async waitForReplicas(count: number, timeoutMs = 60_000): Promise<void> {
    await waitForRotation(this.url('/api/whoami'), count, () => this.hostnames(), timeoutMs);
  }

  async scale(replicas: number): Promise<void> {
    await docker(['service', 'scale', '--detach', `${this.service('server')}=${replicas}`]);
  }

  async serverSpec(): Promise<ServiceDetails['Spec']> {
    return (await inspect<ServiceDetails>(this.service('server'))).Spec;
  }

  /** Waits for the server's rolling update (or its rollback) to reach one of `states`. */
  async waitForUpdate(states: string[], timeoutMs: number): Promise<UpdateStatus> {
    return eventually(
      async () => {
        const status = (await inspect<ServiceDetails>(this.service('server'))).UpdateStatus;
        return status && states.includes(status.State) ? status : undefined;
      },
      timeoutMs,
      `the server update to reach ${states.join(' or ')}`,
    );
  }

  /**
   * NGINX's complaints about upstreams since `since` (connect refused or timed out, reset, closed early):
   * each one cost a retry, or a failed request when no retry was possible (a POST, or tries used up).
   */
  async upstreamErrors(since: Date): Promise<string[]> {
    const { stdout, stderr } = await docker([
      'service',
      'logs',
      '--raw',
      '--since',
      since.toISOString(),
      this.service('nginx'),
    ]);
    return `${stdout}\n${stderr}`.split('\n').filter((line) => /\[(error|warn)\].*upstream/.test(line));
  }

  /** `docker stack rm` returns at once: waits for the containers, then removes the node-local volume it leaves. */
  async remove(): Promise<void> {
    const label = `label=com.docker.stack.namespace=${this.name}`;
    await docker(['stack', 'rm', this.name]);
    await eventually(
      async () => ((await docker(['ps', '-aq', '--filter', label])).stdout.trim() ? undefined : true),
      60_000,
      `${this.name}'s containers to go`,
    );
    await eventually(
      async () => ((await docker(['network', 'ls', '-q', '--filter', label])).stdout.trim() ? undefined : true),
      30_000,
      `${this.name}'s network to go`,
    );
    const { stdout } = await docker(['volume', 'ls', '-q', '--filter', label]);
    for (const volume of stdout.split('\n').filter(Boolean)) await docker(['volume', 'rm', volume]);
  }
}
