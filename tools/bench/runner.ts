/**
 * Runs the measurements: every (scenario, concurrency) pair once per round, in an order rotated from
 * round to round so that no scenario always runs right after the same neighbour, at the same moment of
 * the run. Each measurement is a warm-up, then a bounded wrk run bracketed by CPU and TCP readings.
 */
import { docker } from '../../harness/docker';
import { sleep } from '../../harness/http';
import { hostCpuBetween, hostProcessCpuNs, type ContainerProbe, type ResourceSample } from './resources';
import { levelsFor, type Scenario, type ScenarioId } from './scenarios';
import { setReplicaCpus, type BenchStack } from './stacks';
import { cores } from './stats';
import { parseWrk, requestsPerSecond, wrkCommand, type WrkResult } from './wrk';
import { h2loadCommand, parseH2load } from './h2load';

export interface BenchSettings {
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number[];
  /** wrk's --timeout: a request unanswered for this long is a timeout (and not in the latencies). */
  timeoutS: number;
  threads: number;
  /** Idle time before the replicas' memory is read again after the memory run. */
  settleS: number;
  /** q: the CPU quota of every replica in the per-core scenarios, in CPUs. */
  replicaCpus: number;
  /** The machine's cores, the budget every per-core run must stay well inside. */
  machineCores: number;
}

/** Cores used during the measured run, by role. */
interface CpuUse {
  loadgen: number;
  nginx: number;
  replicas: number[];
  bare: number;
  /** dockerd (it carries every container's log lines) and docker-proxy (published ports), on the host. */
  host: number;
}

export interface Measurement {
  scenario: ScenarioId;
  connections: number;
  round: number;
  wrk: WrkResult;
  requestsPerSecond: number;
  cpu: CpuUse;
  /** connect()s NGINX made to replicas, per 1,000 requests: ~0 with upstream keep-alive, ~1,000 without. */
  upstreamConnectsPer1k: number;
  /** SYNs dropped on a full listen queue, in NGINX's and the replicas' namespaces. */
  listenOverflows: { nginx: number; replicas: number };
  /** Per replica: CFS periods during the run, those in which it used up its quota, and the time it then waited. */
  throttling: Array<{ periods: number; throttledPeriods: number; throttledMs: number }>;
}

interface MemoryReading {
  replica: string;
  /** Before any load: the process as it started. */
  coldBytes: number;
  /** After every round, idle for `settleS`: the level a replica that has served load rests at. */
  idleBytes: number;
  /** Right after the memory run at the top concurrency. */
  afterLoadBytes: number;
  /** `settleS` later, without traffic. */
  settledBytes: number;
}

export interface BenchResult {
  settings: BenchSettings;
  scenarios: Scenario[];
  measurements: Measurement[];
  memory: { scenario: ScenarioId; connections: number; settleS: number; replicas: MemoryReading[] } | undefined;
}

type Plan = Array<{ scenario: Scenario; connections: number }>;

export function planRound(scenarios: readonly Scenario[], connections: readonly number[], round: number): Plan {
  const plan = scenarios.flatMap((scenario) =>
    levelsFor(scenario, connections).map((c) => ({ scenario, connections: c })),
  );
  // Each round starts a third of the list further on: with the default 3 rounds, every third is first once.
  const shift = plan.length === 0 ? 0 : (round * Math.ceil(plan.length / 3)) % plan.length;
  return [...plan.slice(shift), ...plan.slice(0, shift)];
}

interface Snapshot {
  at: Map<ContainerProbe, ResourceSample>;
  hostNs: Map<number, number>;
}

// dockerd stores every container's log lines; containerd-shim (containerd-shim-runc-v2: the kernel keeps 15
// characters of a command name) copies them out of the container; docker-proxy carries published ports.
const HOST_PROCESSES = ['dockerd', 'containerd-shim', 'docker-proxy'];

function probesOf(stack: BenchStack): ContainerProbe[] {
  const { loadgen, loadgenHost, nginx, servers, bare } = stack.probes;
  return [loadgen, nginx, ...servers, ...(loadgenHost ? [loadgenHost] : []), ...(bare ? [bare] : [])];
}

function snapshot(stack: BenchStack): Snapshot {
  return { at: new Map(probesOf(stack).map((p) => [p, p.sample()])), hostNs: hostProcessCpuNs(HOST_PROCESSES) };
}

function usage(stack: BenchStack, scenario: Scenario, before: Snapshot, after: Snapshot, wallUs: number) {
  const cpu = (probe: ContainerProbe | undefined) =>
    probe === undefined ? 0 : cores(after.at.get(probe)!.cpuNs - before.at.get(probe)!.cpuNs, wallUs);
  const tcp = (probe: ContainerProbe) => {
    const [a, b] = [before.at.get(probe)!.tcp, after.at.get(probe)!.tcp];
    return { activeOpens: b.activeOpens - a.activeOpens, listenOverflows: b.listenOverflows - a.listenOverflows };
  };
  const { loadgen, loadgenHost, nginx, servers, bare } = stack.probes;
  return {
    cpu: {
      loadgen: cpu(scenario.via === 'host' ? loadgenHost : loadgen),
      nginx: cpu(nginx),
      replicas: servers.map(cpu),
      bare: cpu(bare),
      host: cores(hostCpuBetween(before.hostNs, after.hostNs), wallUs),
    },
    throttling: servers.map((probe) => {
      const [a, b] = [before.at.get(probe)!.throttling, after.at.get(probe)!.throttling];
      return {
        periods: b.periods - a.periods,
        throttledPeriods: b.throttledPeriods - a.throttledPeriods,
        throttledMs: (b.throttledNs - a.throttledNs) / 1e6,
      };
    }),
    nginxConnects: tcp(nginx).activeOpens,
    listenOverflows: {
      nginx: tcp(nginx).listenOverflows,
      replicas: servers.reduce((sum, s) => sum + tcp(s).listenOverflows, 0),
    },
  };
}

async function wrk(
  stack: BenchStack,
  scenario: Scenario,
  settings: BenchSettings,
  connections: number,
  durationS: number,
): Promise<WrkResult> {
  const container = scenario.via === 'host' ? stack.loadgenHost : stack.loadgen;
  if (container === undefined) throw new Error(`${scenario.id}: its stack has no ${scenario.via} load generator`);
  const options = {
    url: scenario.url(stack.compose.port),
    connections,
    durationS,
    timeoutS: settings.timeoutS,
    threads: settings.threads,
    headers: scenario.headers,
  };
  const h2load = scenario.tool === 'h2load';
  const command = h2load ? h2loadCommand(options) : wrkCommand(options);
  const { stdout } = await docker(['exec', container, ...command], {
    timeoutMs: (durationS + settings.timeoutS + 30) * 1_000,
  });
  return h2load ? parseH2load(stdout) : parseWrk(stdout);
}

async function measure(
  stack: BenchStack,
  scenario: Scenario,
  connections: number,
  round: number,
  settings: BenchSettings,
): Promise<Measurement> {
  await setReplicaCpus(stack, scenario.quota ? settings.replicaCpus : undefined);
  if (settings.warmupS > 0) await wrk(stack, scenario, settings, connections, settings.warmupS);
  const before = snapshot(stack);
  const result = await wrk(stack, scenario, settings, connections, settings.durationS);
  const after = snapshot(stack);
  const { cpu, nginxConnects, listenOverflows, throttling } = usage(stack, scenario, before, after, result.durationUs);
  return {
    scenario: scenario.id,
    connections,
    round,
    wrk: result,
    requestsPerSecond: requestsPerSecond(result),
    cpu,
    upstreamConnectsPer1k: result.requests > 0 ? (nginxConnects * 1_000) / result.requests : 0,
    listenOverflows,
    throttling,
  };
}

const rssOf = (probes: ContainerProbe[]) => new Map(probes.map((p) => [p, p.rssBytes()]));

/**
 * The replicas' memory around one more run at the highest concurrency through NGINX. A fresh Node
 * process is smaller than one that has served load (V8 grows its young generation under allocation
 * pressure and keeps it), so "back near idle" compares with the replica idle after the rounds, not
 * with the cold figure, which is reported beside it.
 */
async function memoryAroundLoad(
  stack: BenchStack,
  scenario: Scenario,
  cold: Map<ContainerProbe, number>,
  settings: BenchSettings,
) {
  const servers = stack.probes.servers;
  const connections = Math.max(...settings.connections);
  await setReplicaCpus(stack, undefined);
  await sleep(settings.settleS * 1_000);
  const idle = rssOf(servers);
  await wrk(stack, scenario, settings, connections, settings.durationS);
  const afterLoad = rssOf(servers);
  await sleep(settings.settleS * 1_000);
  return {
    scenario: scenario.id,
    connections,
    settleS: settings.settleS,
    replicas: servers.map((p) => ({
      replica: p.name,
      coldBytes: cold.get(p)!,
      idleBytes: idle.get(p)!,
      afterLoadBytes: afterLoad.get(p)!,
      settledBytes: p.rssBytes(),
    })),
  };
}

export type Progress = (line: string) => void;

export async function runBenchmark(
  stacks: Map<number, BenchStack>,
  scenarios: Scenario[],
  settings: BenchSettings,
  progress: Progress = () => undefined,
): Promise<BenchResult> {
  const memoryScenario =
    scenarios.find((s) => s.id === 'nginx-3') ?? scenarios.find((s) => s.proxied && s.set === 'machine');
  const memoryStack = memoryScenario && stacks.get(memoryScenario.replicas);
  const cold = rssOf(memoryStack?.probes.servers ?? []);

  const measurements: Measurement[] = [];
  for (let round = 1; round <= settings.rounds; round += 1) {
    for (const { scenario, connections } of planRound(scenarios, settings.connections, round - 1)) {
      const m = await measure(stacks.get(scenario.replicas)!, scenario, connections, round, settings);
      measurements.push(m);
      progress(
        `round ${round}/${settings.rounds}  ${scenario.id.padEnd(20)} c=${String(connections).padStart(4)}  ` +
          `${Math.round(m.requestsPerSecond).toLocaleString('en-US').padStart(7)} req/s  p99 ${(m.wrk.p99Us / 1000).toFixed(1)} ms`,
      );
    }
  }
  const memory =
    memoryScenario && memoryStack ? await memoryAroundLoad(memoryStack, memoryScenario, cold, settings) : undefined;
  return { settings, scenarios, measurements, memory };
}
