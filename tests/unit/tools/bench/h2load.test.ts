import { h2loadCommand, parseH2load } from '../../../../tools/bench/h2load';

/** h2load 1.52's own output (a 2 s run, 4 clients), with its per-request log after the marker. */
const HUMAN = `starting benchmark...
spawning thread #0: 4 total client(s). Timing-based test with 0s of warm-up time and 2s of main duration for measurements.
Warm-up started for thread #0.
progress: 25% of clients started
Warm-up phase is over for thread #0.
Main benchmark duration is started for thread #0.
Application protocol: h2
Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 2.01s, 876.50 req/s, 111.27KB/s
requests: 1753 total, 1757 started, 1753 done, 1750 succeeded, 3 failed, 3 errored, 1 timeout
status codes: 1740 2xx, 0 3xx, 4 4xx, 6 5xx
traffic: 222.55KB (227890) total, 148.94KB (152511) headers (space savings 0.00%), 13.70KB (14024) data
                     min         max         mean         sd        +/- sd
time for request:       82us    415.75ms      4.46ms     23.95ms    98.00%
`;
const LOG = Array.from({ length: 100 }, (_, i) => `17961465997${i}\t200\t${(i + 1) * 10}`).join('\n');

describe('h2loadCommand', () => {
  it("runs h2load with wrk's concurrency (one stream per connection), bounded, then prints its per-request log", () => {
    const [sh, c, script] = h2loadCommand({
      url: 'https://nginx:8443/',
      connections: 50,
      durationS: 5,
      timeoutS: 2,
      threads: 2,
    });
    expect([sh, c]).toEqual(['sh', '-c']);
    expect(script).toContain(
      'h2load --threads=2 --clients=50 --max-concurrent-streams=1 --duration=5 --connection-inactivity-timeout=2 --log-file=/tmp/h2load.log https://nginx:8443/',
    );
    expect(script).toMatch(/echo H2LOAD_LOG; cat \/tmp\/h2load.log/);
  });

  it('never asks for more threads than clients (h2load refuses it)', () => {
    const [, , script] = h2loadCommand({ url: 'https://x/', connections: 1, durationS: 1, timeoutS: 2, threads: 4 });
    expect(script).toContain('--threads=1 ');
  });
});

describe('parseH2load', () => {
  it('reads the totals, the error counts and the percentiles of the per-request log', () => {
    expect(parseH2load(`${HUMAN}\nH2LOAD_LOG\n${LOG}\n`)).toEqual({
      durationUs: 2_010_000,
      requests: 1753,
      bytes: 227890,
      connectErrors: 0,
      readErrors: 2,
      writeErrors: 0,
      statusErrors: 10,
      timeouts: 1,
      p50Us: 500,
      p90Us: 900,
      p99Us: 990,
      maxUs: 1000,
      meanUs: 505,
    });
  });

  it('reads durations in milliseconds', () => {
    const short = HUMAN.replace('finished in 2.01s,', 'finished in 950.5ms,');
    expect(parseH2load(`${short}\nH2LOAD_LOG\n${LOG}\n`).durationUs).toBe(950_500);
  });

  it('fails when h2load did not negotiate HTTP/2', () => {
    const h1 = HUMAN.replace('Application protocol: h2', 'Application protocol: http/1.1');
    expect(() => parseH2load(`${h1}\nH2LOAD_LOG\n`)).toThrow('h2load negotiated http/1.1, not h2');
  });

  it('fails, quoting the output, when a line is missing (h2load could not connect)', () => {
    expect(() => parseH2load('starting benchmark...\nApplication protocol: h2\n')).toThrow(/no "finished in" line/);
  });
});
