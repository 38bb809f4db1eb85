/**
 * The same stack on Docker Swarm (`docker stack deploy` of docker-compose.yml + docker-compose.swarm.yml),
 * on the test's real engine: rotation, scaling, a rolling update and an automatic rollback, all under
 * load. The engine is put in swarm mode only if it is not, and left as it was found.
 */
import path from 'node:path';
import { docker, inspect, nginxWorkerPids } from '../../harness/docker';
import { sleep } from '../../harness/http';
import { runLoad, type LoadResult } from './support/load';
import { repoRoot } from '../../harness/repo';
import { LOAD_TEST_RATE_LIMIT } from '../../harness/stack';
import { SwarmMode, SwarmStack, type ServiceDetails } from './support/swarm';
import { curl } from './support/tls';

const baseVersion = process.env.APP_VERSION ?? 'dev';
const nextVersion = `${baseVersion}-v2`;
const brokenVersion = `${baseVersion}-broken`;
const image = (version: string) => `roundrobin/server:${version}`;

let swarm: SwarmMode | undefined;
let stack: SwarmStack | undefined;

/** The next release, as a user builds it; and a broken one on top of it. */
async function buildReleases(): Promise<void> {
  const env = { ...process.env, APP_VERSION: nextVersion };
  await docker(['compose', '--project-directory', repoRoot, 'build', '--quiet', 'server'], { env, timeoutMs: 600_000 });
  const dockerfile = path.join(repoRoot, 'tests/e2e/fixtures/unhealthy.Dockerfile');
  await docker([
    'build',
    '--quiet',
    '--build-arg',
    `BASE_IMAGE=${image(nextVersion)}`,
    '--build-arg',
    `APP_VERSION=${brokenVersion}`,
    '--tag',
    image(brokenVersion),
    '--file',
    dockerfile,
    path.dirname(dockerfile),
  ]);
}

beforeAll(async () => {
  await buildReleases();
  swarm = await SwarmMode.ensure();
  stack = await SwarmStack.deploy('e2e', baseVersion);
  await stack.waitForReplicas(3, 120_000);
}, 300_000);

afterAll(async () => {
  await stack?.remove();
  await swarm?.restore();
  await docker(['image', 'rm', image(brokenVersion), image(nextVersion)]);
}, 120_000);

function the(): SwarmStack {
  if (!stack) throw new Error('the stack was not deployed');
  return stack;
}

async function whoami(): Promise<{ hostname: string; version: string }> {
  const res = await fetch(the().url('/api/whoami'));
  expect(res.status).toBe(200);
  return (await res.json()) as { hostname: string; version: string };
}

/** Steady load while `during` runs, and 7 s past it (NGINX re-resolves DNS every 5 s). */
async function underLoad<T>(during: () => Promise<T>): Promise<{ load: LoadResult; value: T }> {
  const work = during();
  const settled = work.then(
    () => sleep(7_000),
    () => undefined,
  );
  const load = runLoad({
    url: the().url('/api/whoami'),
    concurrency: 4,
    durationMs: 150_000,
    maxRequests: 200_000,
    until: settled,
  });
  return { value: await work, load: await load };
}

/**
 * Samples the server's running tasks until `done` settles: the fewest seen at once, and how long
 * after `started` every running task first ran `wanted` (undefined if that never happened).
 */
async function watchTasks(
  done: Promise<unknown>,
  started: number,
  wanted: string,
): Promise<{ fewestRunning: number; allNewAfterMs?: number }> {
  let finished = false;
  const stop = () => (finished = true);
  done.then(stop, stop);
  let fewestRunning = Infinity;
  let allNewAfterMs: number | undefined;
  while (!finished) {
    const tasks = await the().runningTasks('server');
    fewestRunning = Math.min(fewestRunning, tasks.length);
    if (allNewAfterMs === undefined && tasks.length > 0 && tasks.every((task) => task.image === wanted))
      allNewAfterMs = Date.now() - started;
    await sleep(300);
  }
  return { fewestRunning, allNewAfterMs };
}

async function workerPids(): Promise<string[]> {
  const [nginx] = await the().containers('nginx');
  return nginxWorkerPids(nginx);
}

/** Deploys the stack again with `version` under steady load, until the server's update reaches one of `endStates`. */
async function rollout(version: string) {
  const endStates = ['completed', 'paused', 'rollback_completed', 'rollback_paused'];
  const since = new Date();
  const { load, value } = await underLoad(async () => {
    const started = Date.now();
    await the().deploy(version);
    const finished = the().waitForUpdate(endStates, 150_000);
    const tasks = await watchTasks(finished, started, image(version));
    return { status: await finished, seconds: (Date.now() - started) / 1000, ...tasks };
  });
  return { load, ...value, upstreamErrors: await the().upstreamErrors(since) };
}

describe('docker stack deploy', () => {
  it('publishes NGINX in host mode, gives `server` no VIP, and resolves it to every task, like tasks.server', async () => {
    const nginx = await inspect<ServiceDetails>(the().service('nginx'));
    expect([...(nginx.Endpoint.Ports ?? [])].sort((a, b) => a.TargetPort - b.TargetPort)).toEqual([
      expect.objectContaining({ TargetPort: 8080, PublishedPort: the().port, PublishMode: 'host' }),
      expect.objectContaining({ TargetPort: 8443, PublishedPort: the().httpsPort, PublishMode: 'host' }),
    ]);
    const server = await inspect<ServiceDetails>(the().service('server'));
    expect(server.Spec.EndpointSpec.Mode).toBe('dnsrr');
    expect(server.Endpoint.VirtualIPs ?? []).toEqual([]);

    const network = `${the().name}_backend`;
    const taskIps = await Promise.all(
      (await the().containers('server')).map(
        async (id) => (await inspect(id)).NetworkSettings.Networks[network].IPAddress,
      ),
    );
    const [nginxContainer] = await the().containers('nginx');
    const resolve = async (name: string) => {
      const { stdout } = await docker(['exec', nginxContainer, 'getent', 'ahostsv4', name]);
      return [
        ...new Set(
          stdout
            .split('\n')
            .filter(Boolean)
            .map((line) => line.split(/\s+/)[0]),
        ),
      ].sort();
    };
    expect(await resolve('server')).toEqual(taskIps.sort());
    expect(await resolve('tasks.server')).toEqual(taskIps.sort());
  });

  it("renders the rate limit template, though Swarm cannot give NGINX's user a tmpfs", async () => {
    const [nginx] = await the().containers('nginx');
    const { stdout } = await docker(['exec', nginx, 'nginx', '-T']);
    // The rate the stack was deployed with (the load tests' own, above the product default).
    expect(stdout).toContain(
      `limit_req_zone $binary_remote_addr zone=per_client:10m rate=${LOAD_TEST_RATE_LIMIT.RATE_LIMIT_RATE};`,
    );
  });

  it('sends 300 GETs to 3 tasks, 100 each, in a strict period-3 sequence', async () => {
    const sequence: string[] = [];
    for (let i = 0; i < 300; i += 1) sequence.push((await whoami()).hostname);
    expect(new Set(sequence)).toEqual(new Set(await the().hostnames()));
    expect(new Set(sequence.slice(0, 3)).size).toBe(3);
    sequence.forEach((host, i) => expect(host).toBe(sequence[i % 3]));
  });
});

describe('docker service scale', () => {
  it('serves HTTPS over HTTP/2 with the certificate and key from Swarm secrets, in the same rotation', async () => {
    const url = `https://localhost:${the().httpsPort}/api/whoami`;
    const { stdout } = await curl([
      '--silent',
      '--show-error',
      '--cacert',
      the().tls.cert,
      '--write-out',
      '\n%{http_version}\n',
      ...Array<string>(30).fill(url),
    ]);
    const lines = stdout.split('\n').filter(Boolean);
    const hostnames = lines
      .filter((_, i) => i % 2 === 0)
      .map((line) => (JSON.parse(line) as { hostname: string }).hostname);
    expect(new Set(lines.filter((_, i) => i % 2 === 1))).toEqual(new Set(['2']));
    expect(hostnames).toHaveLength(30);
    expect(new Set(hostnames).size).toBe(3);
    const [nginx] = await the().containers('nginx');
    const { stdout: mode } = await docker(['exec', nginx, 'stat', '-c', '%a %u', '/run/secrets/tls_certificate_key']);
    expect(mode.trim()).toBe('400 101');
  });

  it('takes 5 tasks into the rotation and drops back to 3 under load, without a failed request or an NGINX reload', async () => {
    const workersBefore = await workerPids();
    expect(workersBefore.length).toBeGreaterThan(0);
    const since = new Date();
    const { load, value: secondsToFive } = await underLoad(async () => {
      const started = Date.now();
      await the().scale(5);
      await the().waitForReplicas(5, 60_000);
      const seconds = (Date.now() - started) / 1000;
      await the().scale(3);
      await the().waitForReplicas(3, 60_000);
      return seconds;
    });
    console.log(
      `[swarm] scale 3 -> 5: new tasks in the rotation after ${secondsToFive.toFixed(1)} s; ${load.total} requests, ${load.failures.length} failed`,
    );
    expect(load.failures).toEqual([]);
    // Not even a retry: a stopping task answers until NGINX has dropped it (SHUTDOWN_DELAY_MS).
    expect(await the().upstreamErrors(since)).toEqual([]);
    expect(load.hostnames.size).toBeGreaterThanOrEqual(5);
    // Healthcheck interval (5 s) + NGINX's DNS refresh (5 s) + start-up, with room for a loaded machine.
    expect(secondsToFive).toBeLessThan(30);
    expect(await workerPids()).toEqual(workersBefore);
  });
});

describe('rolling update', () => {
  it('rolls a new version out one task at a time, new before old, with zero failed requests', async () => {
    const { load, status, seconds, fewestRunning, allNewAfterMs, upstreamErrors } = await rollout(nextVersion);
    console.log(
      `[swarm] rolling update of 3 tasks: all on the new version ${((allNewAfterMs ?? NaN) / 1000).toFixed(1)} s after \`stack deploy\`, ` +
        `update completed (after its 15 s monitor window) at ${seconds.toFixed(1)} s; ${load.total} requests, ${load.failures.length} failed, ` +
        `answers per version ${JSON.stringify([...load.versions])}`,
    );
    expect(status.State).toBe('completed');
    expect(allNewAfterMs).toBeDefined();
    expect(load.failures).toEqual([]);
    expect(upstreamErrors).toEqual([]);
    expect([...load.versions.keys()].sort()).toEqual([baseVersion, nextVersion].sort());
    // start-first: a task leaves only once its successor is healthy, so 3 are always serving.
    expect(fewestRunning).toBeGreaterThanOrEqual(3);

    expect((await the().serverSpec()).TaskTemplate.ContainerSpec.Image).toBe(image(nextVersion));
    await the().waitForReplicas(3);
    for (let i = 0; i < 9; i += 1) expect((await whoami()).version).toBe(nextVersion);
  });

  it('rolls a broken version (healthcheck fails) back by itself, with zero failed requests and not one answer from it', async () => {
    const { load, status, seconds, fewestRunning, upstreamErrors } = await rollout(brokenVersion);
    console.log(
      `[swarm] broken update: ${status.State} ${seconds.toFixed(1)} s after \`stack deploy\` (${status.Message}); ` +
        `${load.total} requests, ${load.failures.length} failed`,
    );
    expect(status.State).toBe('rollback_completed');
    expect(load.failures).toEqual([]);
    expect(upstreamErrors).toEqual([]);
    expect([...load.versions.keys()]).toEqual([nextVersion]);
    expect(fewestRunning).toBeGreaterThanOrEqual(3);

    expect((await the().serverSpec()).TaskTemplate.ContainerSpec.Image).toBe(image(nextVersion));
    await the().waitForReplicas(3);
    for (let i = 0; i < 9; i += 1) expect((await whoami()).version).toBe(nextVersion);
  });
});

describe('teardown', () => {
  it('removes the stack, its network and volume, and leaves the swarm as it found it', async () => {
    const swarmBefore = swarm;
    const { name } = the();
    await the().remove();
    stack = undefined;
    for (const kind of [
      ['ps', '-a'],
      ['network', 'ls'],
      ['volume', 'ls'],
    ]) {
      const { stdout } = await docker([...kind, '-q', '--filter', `label=com.docker.stack.namespace=${name}`]);
      expect(stdout.trim()).toBe('');
    }
    await swarmBefore?.restore();
    swarm = undefined;
    const { stdout } = await docker(['info', '--format', '{{.Swarm.LocalNodeState}}']);
    expect(stdout.trim()).toBe(swarmBefore?.createdHere ? 'inactive' : 'active');
  });
});
