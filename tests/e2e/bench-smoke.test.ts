/**
 * The benchmark's smoke test: `npm run bench`'s own code, in a tiny configuration (one round of 1 s at
 * 10 connections, two scenarios) against a real bench stack. It asserts that the run works end to end and
 * produces well-formed results and tables, never how fast anything was: the benchmark itself is `npm run bench`.
 */
import { describeMachine, type Machine } from '../../tools/bench/machine';
import { generatedSection } from '../../tools/bench/main';
import { resultsTable } from '../../tools/bench/report';
import { runBenchmark, type BenchResult } from '../../tools/bench/runner';
import { selectScenarios } from '../../tools/bench/scenarios';
import { buildImages, downBenchStacks, upBenchStacks, type BenchStack } from '../../tools/bench/stacks';
import { scalingEfficiency, summarise } from '../../tools/bench/summary';
import { inspect } from '../../harness/docker';
import { failures } from '../../tools/bench/wrk';

const scenarios = selectScenarios(['direct', 'nginx-1', 'quota-direct', 'quota-nginx-1', 'quota-nginx-2']);
let stacks: Map<number, BenchStack> | undefined;
let result: BenchResult;
let machine: Machine;

beforeAll(async () => {
  await buildImages(['loadgen']); // the replica's image comes from global-setup
  stacks = await upBenchStacks('rrtest-bench', scenarios);
  machine = await describeMachine(stacks.get(1)!);
  result = await runBenchmark(stacks, scenarios, {
    rounds: 1,
    durationS: 1,
    warmupS: 0,
    connections: [10],
    timeoutS: 2,
    threads: 2,
    settleS: 0,
    replicaCpus: 0.25,
    machineCores: 2,
  });
}, 600_000);

afterAll(async () => {
  if (stacks) await downBenchStacks(stacks);
});

describe('npm run bench, in miniature', () => {
  it('measures each scenario once, with answered requests and no failures', () => {
    expect(result.measurements.map((m) => `${m.scenario}@${m.connections}`).sort()).toEqual([
      'direct@10',
      'nginx-1@10',
      'quota-direct@16',
      'quota-nginx-1@16',
      'quota-nginx-2@32',
    ]);
    for (const m of result.measurements) {
      expect(m.wrk.requests).toBeGreaterThan(0);
      expect(m.requestsPerSecond).toBeGreaterThan(0);
      expect(failures(m.wrk)).toBe(0);
      expect(m.wrk.p50Us).toBeLessThanOrEqual(m.wrk.p99Us);
      expect(m.wrk.p99Us).toBeLessThanOrEqual(m.wrk.maxUs);
    }
  });

  it("reads each process's CPU from its cgroup: the replica serves direct traffic, NGINX proxies the other", () => {
    const direct = result.measurements.find((m) => m.scenario === 'direct')!;
    const proxied = result.measurements.find((m) => m.scenario === 'nginx-1')!;
    expect(direct.cpu.replicas[0]).toBeGreaterThan(0);
    expect(direct.cpu.loadgen).toBeGreaterThan(0);
    // NGINX cannot proxy a request in under 1 µs of CPU. (Not compared with the direct run's NGINX CPU: Docker
    // runs NGINX's healthcheck, a curl, in its cgroup every 5 s, which can fall into a 1 s window.)
    expect(proxied.cpu.nginx * proxied.wrk.durationUs).toBeGreaterThan(proxied.wrk.requests * 1);
  });

  it('sees NGINX reuse its upstream connections (keep-alive): far fewer connects than requests', () => {
    const proxied = result.measurements.find((m) => m.scenario === 'nginx-1')!;
    // Without upstream keep-alive this is ~1,000 (one connect per request).
    expect(proxied.upstreamConnectsPer1k).toBeLessThan(100);
  });

  it("caps the replicas at q for the per-core scenarios, and gives compose's limit back for the others", async () => {
    const nanoCpus = async (replicas: number) =>
      Promise.all(
        (await stacks!.get(replicas)!.compose.containers('server')).map(async (id) =>
          String((await inspect(id)).HostConfig.NanoCpus),
        ),
      );
    // The last measurement on the two-replica stack was quota-nginx-2; the memory run put stack 1 back.
    expect(await nanoCpus(2)).toEqual(['250000000', '250000000']);
    expect(await nanoCpus(1)).toEqual(['1000000000']);
    // Under a quota the kernel counts CFS periods; a replica that never had one counts none.
    const capped = result.measurements.find((m) => m.scenario === 'quota-nginx-2')!;
    expect(capped.throttling).toHaveLength(2);
    for (const t of capped.throttling) expect(t.periods).toBeGreaterThan(0);
  });

  it('computes the scaling efficiency from the per-core measurements and renders its table', () => {
    for (const n of [1, 2]) {
      const efficiency = scalingEfficiency(result.measurements, n);
      expect(efficiency?.median).toBeGreaterThan(0);
      expect(Number.isFinite(efficiency?.median)).toBe(true);
    }
    const section = generatedSection(result, { ...machine, loadAfter: 0 });
    expect(section).toMatch(/\| NGINX → 2 at q \| 32 \| [\d,]+ \([\d,]+–[\d,]+\) \| \d\.\d\d \(/);
    expect(section).toMatch(
      /\| NGINX → 2 at q: the machine not the limit .* \| 32 \| \d+ % \| (met|\*\*not met\*\*) \|/,
    );
  });

  it("reads the replicas' memory before and after the load", () => {
    expect(result.memory?.replicas).toHaveLength(1);
    const [replica] = result.memory!.replicas;
    expect(replica.coldBytes).toBeGreaterThan(1024 * 1024);
    expect(replica.idleBytes).toBeGreaterThan(1024 * 1024);
    expect(replica.afterLoadBytes).toBeGreaterThan(1024 * 1024);
  });

  it('renders a well-formed results table and the docs section', () => {
    const lines = resultsTable(summarise(result)).split('\n');
    expect(lines).toHaveLength(7); // header, separator, five rows
    const columns = lines[0].split('|').length;
    for (const line of lines) expect(line.split('|')).toHaveLength(columns);
    expect(lines[2]).toMatch(/^\| one replica at q, direct \| 16 \| [\d,]+ \(/);

    const section = generatedSection(result, { ...machine, loadAfter: 0 });
    expect(section).toMatch(/^## Latest run/);
    expect(section).toContain('| NGINX → 1 at q ≥ 0.95x one replica at q, direct | 16 |');
    expect(section).toContain('| NGINX → 1 / one replica direct | 10 |');
    expect(section).toMatch(/nginx \d+\.\d+\.\d+; Node v\d+/);
    expect(section).toMatch(/wrk \S*\d+\.\d+/);
  });
});
