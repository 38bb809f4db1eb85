/**
 * `npm run bench`: the stack's benchmark (docs/benchmarks.md says what and how). Settings come from the
 * environment so a quick look and the full run are the same code:
 *   BENCH_ROUNDS (3)  BENCH_DURATION_S (5)  BENCH_WARMUP_S (1)  BENCH_CONNECTIONS (50,1000: the uncapped set)
 *   BENCH_SCENARIOS (all; ids or sets, e.g. direct,nginx-1 or per-core,nginx-cost)  BENCH_SETTLE_S (10)
 *   BENCH_REPLICA_CPUS (0.25: q, the per-core quota)  BENCH_PROJECT (rrbench: the compose projects' prefix)
 *   BENCH_OUTPUT (docs/benchmarks.md; "-" for none)
 *   BENCH_REPORT_ONLY=1: no measuring; rewrites the markdown from the last run's JSON
 *   (after a change to the report's wording).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeMachine, type Machine } from './machine';
import {
  contentionTable,
  costTable,
  cpuReading,
  machineText,
  resultsTable,
  scalingTable,
  settingsText,
  targetsTable,
} from './report';
import { runBenchmark, type BenchResult, type BenchSettings } from './runner';
import { levelsFor, selectScenarios, type Scenario } from './scenarios';
import { buildImages, downBenchStacks, upBenchStacks } from './stacks';
import { checkTargets, summarise } from './summary';
import { writeGenerated } from './document';
import { repoRoot } from '../../harness/repo';

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

export function settingsFromEnv(): BenchSettings {
  const connections = (process.env.BENCH_CONNECTIONS ?? '50,1000').split(',').map(Number);
  if (connections.some((c) => !Number.isInteger(c) || c < 1))
    throw new Error(`BENCH_CONNECTIONS must be whole numbers, got "${process.env.BENCH_CONNECTIONS}"`);
  return {
    rounds: Math.max(1, Math.round(positive('BENCH_ROUNDS', 3))),
    durationS: Math.max(1, Math.round(positive('BENCH_DURATION_S', 5))),
    warmupS: Math.round(positive('BENCH_WARMUP_S', 1)),
    connections,
    timeoutS: 2,
    threads: Math.max(1, os.cpus().length),
    settleS: positive('BENCH_SETTLE_S', 10),
    replicaCpus: positive('BENCH_REPLICA_CPUS', 0.25),
    machineCores: os.cpus().length,
  };
}

/** Seconds the measurements take: each is a warm-up, the run, and ~1 s for two `docker exec`s and the readings. */
export function budgetSeconds(scenarios: readonly Scenario[], settings: BenchSettings): number {
  const perRound = scenarios.reduce((n, s) => n + levelsFor(s, settings.connections).length, 0);
  const each = settings.warmupS + settings.durationS + 1;
  return settings.rounds * perRound * each + settings.durationS + 2 * settings.settleS;
}

export function generatedSection(result: BenchResult, machine: Machine): string {
  const rows = summarise(result);
  return [
    '## Latest run',
    '',
    machineText(machine),
    `- ${settingsText(result)}`,
    '',
    '### Targets',
    '',
    targetsTable(checkTargets(result, rows)),
    '',
    '### Per core: NGINX → N replicas at q each',
    '',
    'Efficiency = req/s through NGINX ÷ (N × req/s of one replica at q, direct), round by round. "periods throttled":',
    'share of the replicas\' 100 ms CFS periods in which a replica used up its quota and waited. "all CPU": wrk, NGINX,',
    'replicas and the host processes together.',
    '',
    scalingTable(result, rows),
    '',
    '### NGINX cost attribution',
    '',
    "NGINX's CPU per request on the user-facing server (8080) and on bench ports that each leave one piece out",
    '(tools/bench/nginx/bench.conf); "the piece costs" is 8080 minus that port, round by round.',
    '',
    costTable(result, rows),
    '',
    '### Contention on 2 shared cores (replicas uncapped, informational)',
    '',
    contentionTable(result),
    '',
    '### Results',
    '',
    'Medians over rounds, range in brackets; errors and timeouts are totals over all rounds. CPU columns are cores',
    'used during the measured seconds (1.00 = one core busy), from each container\'s cgroup; "app" is the replicas',
    '(or the bare Express process); "host" is dockerd and containerd-shim (they carry every container\'s log lines)',
    "and docker-proxy (the published port): on a shared machine it includes the other tenants' containers.",
    '',
    resultsTable(rows),
    '',
    '### Where the CPU goes',
    '',
    'CPU time per request, by process: it does not depend on how busy the machine was, so it explains the ratios.',
    '',
    cpuReading(rows),
  ].join('\n');
}

function reportOnly(output: string): void {
  const { machine, ...result } = JSON.parse(readFileSync(output.replace(/\.md$/, '.json'), 'utf8')) as BenchResult & {
    machine: Machine;
  };
  writeGenerated(output, generatedSection(result, machine));
}

async function main(): Promise<void> {
  const output = process.env.BENCH_OUTPUT ?? path.join(repoRoot, 'docs/benchmarks.md');
  if (process.env.BENCH_REPORT_ONLY === '1') {
    reportOnly(output);
    return;
  }
  const settings = settingsFromEnv();
  const scenarios = selectScenarios(process.env.BENCH_SCENARIOS?.split(',').filter(Boolean));
  const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

  say(
    `measurements will take about ${Math.ceil(budgetSeconds(scenarios, settings))} s, after building the images and starting the stacks`,
  );
  const started = Date.now();
  await buildImages(['server', 'loadgen']);
  say(`images ready (${((Date.now() - started) / 1000).toFixed(0)} s); starting the bench stacks`);
  const stacks = await upBenchStacks(process.env.BENCH_PROJECT || 'rrbench', scenarios);
  try {
    const machine = await describeMachine([...stacks.values()][0]);
    say(`stacks up (${((Date.now() - started) / 1000).toFixed(0)} s); measuring`);
    const result = await runBenchmark(stacks, scenarios, settings, say);
    machine.loadAfter = os.loadavg()[0];
    const section = generatedSection(result, machine);
    process.stdout.write(`\n${section}\n`);
    if (output !== '-') {
      writeGenerated(output, section);
      writeFileSync(output.replace(/\.md$/, '.json'), `${JSON.stringify({ machine, ...result }, null, 2)}\n`);
      say(`wrote ${path.relative(process.cwd(), output)} and its .json`);
    }
    say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await downBenchStacks(stacks);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`[bench] failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
