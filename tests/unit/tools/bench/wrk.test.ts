import { failures, parseWrk, requestsPerSecond, wrkCommand } from '../../../../tools/bench/wrk';

const REPORT =
  'WRK_JSON {"durationUs":5000000,"requests":25000,"bytes":1000,"connectErrors":1,"readErrors":2,"writeErrors":3,' +
  '"statusErrors":4,"timeouts":5,"p50Us":1500,"p90Us":4000,"p99Us":9000,"maxUs":20000,"meanUs":2000.5}';

describe('wrkCommand', () => {
  it('bounds the run and the per-request timeout, and loads the JSON reporter', () => {
    expect(wrkCommand({ url: 'http://nginx:8080/', connections: 200, durationS: 5, timeoutS: 2, threads: 2 })).toEqual([
      'wrk',
      '--threads=2',
      '--connections=200',
      '--duration=5s',
      '--timeout=2s',
      '--script=/usr/local/share/wrk-report.lua',
      'http://nginx:8080/',
    ]);
  });

  it('adds request headers before the URL (Connection: close: a new connection per request)', () => {
    const command = wrkCommand({
      url: 'https://nginx:8443/',
      connections: 50,
      durationS: 5,
      timeoutS: 2,
      threads: 2,
      headers: ['Connection: close'],
    });
    expect(command.slice(-2)).toEqual(['--header=Connection: close', 'https://nginx:8443/']);
  });

  it('never asks for more threads than connections (wrk refuses it)', () => {
    expect(wrkCommand({ url: 'http://x/', connections: 1, durationS: 1, timeoutS: 2, threads: 4 })).toContain(
      '--threads=1',
    );
  });
});

describe('parseWrk', () => {
  it("reads the reporter's line among wrk's human output", () => {
    const result = parseWrk(`Running 5s test @ http://nginx:8080/\n  2 threads and 200 connections\n\n${REPORT}\n`);
    expect(result.requests).toBe(25000);
    expect(result.p99Us).toBe(9000);
    expect(requestsPerSecond(result)).toBe(5000);
    expect(failures(result)).toBe(15);
  });

  it('fails loudly when the report is missing or incomplete', () => {
    expect(() => parseWrk('unable to connect to nginx:8080 Connection refused')).toThrow(/no WRK_JSON line/);
    expect(() => parseWrk('WRK_JSON {"durationUs":1,"requests":2}')).toThrow(/"bytes"/);
  });
});
