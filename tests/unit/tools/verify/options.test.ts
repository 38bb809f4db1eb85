import { parseOptions, UsageError } from '../../../../tools/verify/options';

describe('verify options', () => {
  it('has the documented defaults', () => {
    expect(parseOptions([])).toEqual({
      url: 'http://localhost',
      target: 'http://localhost/api/whoami',
      requests: 300,
      concurrency: 1,
      expect: 3,
      tolerance: 0.1,
      timeoutMs: 5000,
      json: false,
      method: undefined,
      clients: 200,
    });
  });

  it('takes a balancing method, with the concurrency and tolerance it needs by default', () => {
    expect(parseOptions(['--method', 'least_conn'])).toMatchObject({ method: 'least_conn', concurrency: 12 });
    expect(parseOptions(['--method', 'sticky'])).toMatchObject({ concurrency: 12, tolerance: 0.3, clients: 200 });
    expect(parseOptions(['--method', 'round_robin'])).toMatchObject({ concurrency: 1, tolerance: 0.1 });
    expect(parseOptions(['--method', 'random', '--tolerance', '0.2'])).toMatchObject({ tolerance: 0.2 });
    expect(() => parseOptions(['--method', 'fastest'])).toThrow(
      '--method must be one of round_robin, least_conn, random, ip_hash, hash, sticky, got "fastest"',
    );
  });

  it('reads every flag, and keeps a base path in the URL', () => {
    const options = parseOptions([
      '--url',
      'http://127.0.0.1:8080/app',
      '--requests',
      '90',
      '--concurrency',
      '4',
      '--expect',
      '5',
      '--tolerance',
      '0.25',
      '--timeout',
      '800',
      '--json',
    ]);
    expect(options).toMatchObject({
      target: 'http://127.0.0.1:8080/app/api/whoami',
      requests: 90,
      concurrency: 4,
      expect: 5,
      tolerance: 0.25,
      timeoutMs: 800,
      json: true,
    });
    expect(parseOptions(['--url=http://localhost:9000/'])).toMatchObject({
      target: 'http://localhost:9000/api/whoami',
    });
  });

  it('answers --help', () => {
    expect(parseOptions(['--help'])).toBe('help');
  });

  it.each([
    [['--requests', '0'], '--requests must be a whole number from 1 to 100000, got "0"'],
    [['--requests', '1e3'], '--requests must be a whole number from 1 to 100000, got "1e3"'],
    [['--concurrency=-2'], '--concurrency must be a whole number from 1 to 256, got "-2"'],
    [['--expect', 'three'], '--expect must be a whole number from 1 to 1000, got "three"'],
    [
      ['--tolerance', '1'],
      '--tolerance must be a number from 0 to below 1 (0.1 means ±10% of the fair share), got "1"',
    ],
    [['--url', 'localhost'], '--url must be an absolute http(s) URL such as http://localhost:8080, got "localhost"'],
    [['--url', 'file:///etc/passwd'], '--url must use http or https, got "file:"'],
    [['--requests'], "Option '--requests <value>' argument missing"],
    [['--verbose'], "Unknown option '--verbose'"],
    [['extra'], "Unexpected argument 'extra'"],
  ])('refuses %j with one line', (argv, message) => {
    const parse = () => parseOptions(argv);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
    try {
      parse();
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
