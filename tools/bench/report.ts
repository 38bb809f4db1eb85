/** The benchmark's output: markdown tables, printed on the terminal and written to docs/benchmarks.md. */
import type { Machine } from './machine';
import type { BenchResult } from './runner';
import { spreadText, usPerRequest, type Spread } from './stats';
import { CONTENTION_RATIOS, pieceCost, ratiosOf, scalingEfficiency, type Row, type TargetCheck } from './summary';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const withRange = (s: Spread, format: (n: number) => string) =>
  `${format(s.median)} (${format(s.min)}–${format(s.max)})`;
const coresText = (n: number) => n.toFixed(2);

function table(header: string[], lines: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...lines.map((l) => `| ${l.join(' | ')} |`),
  ].join('\n');
}

export function resultsTable(rows: Row[]): string {
  return table(
    [
      'scenario',
      'conns',
      'req/s median (range)',
      'p50 ms',
      'p99 ms',
      'max ms',
      '4xx/5xx',
      'socket errors',
      'timeouts',
      'CPU wrk',
      'CPU nginx',
      'CPU app',
      'CPU host',
      'upstream connects /1k req',
      'SYNs dropped',
    ],
    rows.map((r) => [
      r.scenario.label,
      String(r.connections),
      withRange(r.requestsPerSecond, int),
      ms(r.p50Ms.median),
      withRange(r.p99Ms, ms),
      ms(r.maxMs),
      String(r.errorStatuses),
      String(r.socketErrors),
      String(r.timeouts),
      coresText(r.cpu.loadgen),
      coresText(r.cpu.nginx),
      coresText(r.cpu.app),
      coresText(r.cpu.host),
      r.scenario.proxied ? r.upstreamConnectsPer1k.toFixed(1) : '–',
      String(r.listenOverflows),
    ]),
  );
}

export function targetsTable(checks: TargetCheck[]): string {
  return table(
    ['target', 'conns', 'measured', 'met'],
    checks.map((c) => [c.target, String(c.connections), c.measured, c.met ? 'met' : '**not met**']),
  );
}

/** CPU microseconds per request by role: where a request's cost goes, independent of how busy the machine was. */
export function cpuReading(rows: Row[]): string {
  const lines = rows.map((r) => {
    const rps = r.requestsPerSecond.median;
    const parts: Array<[string, number]> = [
      ['wrk', usPerRequest(r.cpu.loadgen, rps)],
      ['nginx', usPerRequest(r.cpu.nginx, rps)],
      ['app', usPerRequest(r.cpu.app, rps)],
      ['dockerd + docker-proxy', usPerRequest(r.cpu.host, rps)],
    ];
    const total = r.cpu.loadgen + r.cpu.nginx + r.cpu.app + r.cpu.host;
    const largest = parts.reduce((a, b) => (b[1] > a[1] ? b : a));
    const replicas =
      r.cpu.replicas.length > 1 && r.cpu.app > 0 ? ` (${r.cpu.replicas.map(coresText).join(' + ')})` : '';
    return [
      r.scenario.label,
      String(r.connections),
      ...parts.map(([, us]) => us.toFixed(0)),
      `${coresText(total)}${replicas}`,
      largest[0],
    ];
  });
  return table(
    [
      'scenario',
      'conns',
      'wrk µs/req',
      'nginx µs/req',
      'app µs/req',
      'host µs/req',
      'cores used (replicas)',
      'largest',
    ],
    lines,
  );
}

/** Per-core scaling: one replica at q direct, then NGINX → N at q, with the efficiency and the machine's load. */
export function scalingTable(result: BenchResult, rows: Row[]): string {
  const cores = result.settings.machineCores;
  const lines = rows
    .filter((r) => r.scenario.set === 'per-core')
    .map((r) => {
      const n = r.scenario.proxied ? r.scenario.replicas : 0;
      const efficiency = n > 0 ? scalingEfficiency(result.measurements, n, r.scenario.id) : undefined;
      const rps = r.requestsPerSecond.median;
      const replicaUs = usPerRequest(r.cpu.app, rps);
      return [
        r.scenario.label,
        String(r.connections),
        withRange(r.requestsPerSecond, int),
        efficiency ? spreadText(efficiency) : '1 (the reference)',
        `${r.cpu.replicas.map(coresText).join(' + ')}`,
        replicaUs.toFixed(0),
        `${(100 * r.throttledShare).toFixed(0)} %`,
        `${coresText(r.totalCores)} (${((100 * r.totalCores) / cores).toFixed(0)} %)`,
      ];
    });
  return table(
    [
      'scenario',
      'conns',
      'req/s median (range)',
      'efficiency',
      'cores per replica',
      'replica µs/req',
      'periods throttled',
      'all CPU, cores (of machine)',
    ],
    lines,
  );
}

/** NGINX cost attribution: NGINX's µs per request on each bench port, and what the missing piece costs. */
export function costTable(result: BenchResult, rows: Row[]): string {
  const nginxUs = (r: Row) => usPerRequest(r.cpu.nginx, r.requestsPerSecond.median);
  const lines = rows
    .filter((r) => r.scenario.set === 'nginx-cost')
    .map((r) => {
      const removed = r.scenario.piece ? pieceCost(result.measurements, r.scenario.id) : undefined;
      return [
        r.scenario.label,
        String(r.connections),
        int(r.requestsPerSecond.median),
        nginxUs(r).toFixed(1),
        removed ? withRange(removed, (n) => n.toFixed(1)) : '–',
        r.scenario.piece?.product ?? '–',
      ];
    });
  return table(
    ['NGINX port', 'conns', 'req/s', 'nginx µs/req', 'µs/req the piece costs, per round', 'in the product'],
    lines,
  );
}

/** The uncapped ratios, informational: on 2 cores they measure the contention for the cores. */
export function contentionTable(result: BenchResult): string {
  const lines = CONTENTION_RATIOS.flatMap((t) =>
    ratiosOf(result, t.numerator, t.denominator).map(({ connections, ratio }) => [
      t.target,
      String(connections),
      spreadText(ratio, 'x'),
    ]),
  );
  return table(['ratio (informational)', 'conns', 'measured'], lines);
}

export function machineText(machine: Machine): string {
  return [
    `- ${machine.cores} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB; kernel ${machine.kernel}`,
    `- Docker ${machine.docker}, Compose ${machine.compose}; nginx ${machine.nginx}; Node ${machine.node} (replica image); wrk ${machine.wrk}`,
    `- 1-minute load average: ${machine.loadBefore.toFixed(2)} before the run, ${machine.loadAfter?.toFixed(2) ?? '?'} after`,
  ].join('\n');
}

export function settingsText(result: BenchResult): string {
  const s = result.settings;
  return (
    `${s.rounds} rounds; every (scenario, concurrency) once per round, order rotated between rounds; ` +
    `${s.warmupS} s warm-up then ${s.durationS} s measured; wrk ${s.threads} threads, --timeout ${s.timeoutS}s; GET /; ` +
    `per-core scenarios: q = ${s.replicaCpus} CPU per replica.`
  );
}
