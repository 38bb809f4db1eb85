/**
 * The benchmark's compose projects: one per replica count (1, 2, 3), each the user's docker-compose.yml
 * and nginx.conf plus tools/bench/docker-compose.bench.yml, so "NGINX → N replicas" is the real
 * configuration with only the replica count changed, never a look-alike upstream.
 */
import path from 'node:path';
import { docker, inspect } from '../../harness/docker';
import { ComposeStack } from '../../harness/stack';
import { ContainerProbe } from './resources';
import type { Scenario } from './scenarios';
import { repoRoot } from '../../harness/repo';

const BENCH_FILE = 'tools/bench/docker-compose.bench.yml';
const BENCH_AIRGAP_FILE = 'tools/bench/docker-compose.bench.airgap.yml';

export interface BenchStack {
  replicas: number;
  compose: ComposeStack;
  /** The replicas' CPU limit now, in CPUs: compose's at start, BENCH_REPLICA_CPUS during per-core scenarios. */
  replicaCpus: number;
  /** compose's own limit (deploy.resources.limits.cpus), restored for the scenarios without a quota. */
  composeCpus: number;
  /** Container names, for `docker exec` into the load generators. */
  loadgen: string;
  loadgenHost?: string;
  probes: {
    loadgen: ContainerProbe;
    loadgenHost?: ContainerProbe;
    nginx: ContainerProbe;
    servers: ContainerProbe[];
    bare?: ContainerProbe;
  };
}

/**
 * The user's compose files (COMPOSE_FILE, as docs/airgap.md says) plus the bench overlay,
 * and its air-gap part where the user's has one.
 */
function benchComposeFiles(userComposeFile = process.env.COMPOSE_FILE): string {
  const files = (userComposeFile ?? 'docker-compose.yml').split(path.delimiter).filter(Boolean);
  const airgap = files.some((f) => path.basename(f) === 'docker-compose.airgap.yml');
  return [...files, BENCH_FILE, ...(airgap ? [BENCH_AIRGAP_FILE] : [])].join(path.delimiter);
}

function composeEnv(): NodeJS.ProcessEnv {
  return { ...process.env, COMPOSE_FILE: benchComposeFiles() };
}

/** Builds the replica's image (tagged APP_VERSION) and the load generator's, from cache when nothing changed. */
export async function buildImages(services: readonly string[]): Promise<void> {
  await docker(['compose', '--project-directory', repoRoot, '--profile', 'loadgen', 'build', '--quiet', ...services], {
    env: composeEnv(),
    timeoutMs: 900_000,
  });
}

async function firstContainer(stack: ComposeStack, service: string): Promise<string> {
  const [id] = await stack.containers(service);
  if (id === undefined) throw new Error(`${stack.project}: no ${service} container`);
  return id;
}

async function upOne(prefix: string, replicas: number, scenarios: readonly Scenario[]): Promise<BenchStack> {
  const mine = scenarios.filter((s) => s.replicas === replicas);
  const profiles = [
    'loadgen',
    ...(mine.some((s) => s.needsBare) ? ['bare'] : []),
    ...(mine.some((s) => s.via === 'host') ? ['loadgen-host'] : []),
  ];
  const up = () =>
    ComposeStack.up(`bench-${replicas}`, {
      project: `${prefix}-${replicas}`,
      replicas,
      env: { COMPOSE_FILE: benchComposeFiles(), COMPOSE_PROFILES: profiles.join(',') },
    });
  // Once more on failure: on a busy machine a replica's healthcheck (a `node` process, 3 s timeout) can miss
  // while the stacks start, and `up --wait` gives up at the first unhealthy report (ComposeStack.up then removes it).
  const compose = await up().catch(up);
  const loadgen = await firstContainer(compose, 'loadgen');
  const loadgenHost = profiles.includes('loadgen-host') ? await firstContainer(compose, 'loadgen-host') : undefined;
  const bare = profiles.includes('bare') ? await firstContainer(compose, 'bare-express') : undefined;
  const servers = await compose.containers('server');
  // HostConfig.NanoCpus: 0 when the container has no limit.
  const composeCpus = (await inspect(servers[0])).HostConfig.NanoCpus / 1e9;
  return {
    replicas,
    compose,
    replicaCpus: composeCpus,
    composeCpus,
    loadgen,
    loadgenHost,
    probes: {
      loadgen: await ContainerProbe.of(loadgen),
      loadgenHost: loadgenHost === undefined ? undefined : await ContainerProbe.of(loadgenHost),
      nginx: await ContainerProbe.of(await firstContainer(compose, 'nginx')),
      servers: await Promise.all(servers.map((id) => ContainerProbe.of(id))),
      bare: bare === undefined ? undefined : await ContainerProbe.of(bare),
    },
  };
}

/**
 * Caps every replica of the stack at `cpus` (CFS quota per 100 ms period), or gives back compose's limit: the
 * same stacks serve the per-core scenarios and the uncapped ones, without a second set of replicas idling.
 */
export async function setReplicaCpus(stack: BenchStack, cpus: number | undefined): Promise<void> {
  const wanted = cpus ?? stack.composeCpus;
  if (wanted === stack.replicaCpus) return;
  const ids = await stack.compose.containers('server');
  await docker(['update', '--cpus', String(wanted), ...ids]);
  stack.replicaCpus = wanted;
}

/** One stack per replica count the scenarios need, brought up one after another (parallel `up`s fight over 2 cores). */
export async function upBenchStacks(prefix: string, scenarios: readonly Scenario[]): Promise<Map<number, BenchStack>> {
  const stacks = new Map<number, BenchStack>();
  try {
    for (const replicas of [...new Set(scenarios.map((s) => s.replicas))].sort()) {
      stacks.set(replicas, await upOne(prefix, replicas, scenarios));
    }
  } catch (err) {
    await downBenchStacks(stacks);
    throw err;
  }
  return stacks;
}

export async function downBenchStacks(stacks: Map<number, BenchStack>): Promise<void> {
  for (const stack of stacks.values()) await stack.compose.down();
}
