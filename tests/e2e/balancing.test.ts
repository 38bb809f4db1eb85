/**
 * Each balancing method (LB_METHOD) on the real stack: the distribution it promises, measured through NGINX,
 * and scaling to 5 replicas without a reload. Round robin's own tests are in stack.test.ts.
 */
import { docker } from '../../harness/docker';
import { repoRoot } from '../../harness/repo';
import { ComposeStack } from '../../harness/stack';
import { concurrently, scaleTo, tally, whoami } from './support/balancing';

/** Measured shares are logged, so a run shows the figures docs/balancing.md quotes. */
function report(method: string, what: string, counts: Map<string, number>): number[] {
  const shares = [...counts.values()].sort((a, b) => a - b);
  console.log(`${method}: ${what}: ${shares.join('/')}`);
  return shares;
}

function describeMethod(method: string, tests: (stack: () => ComposeStack) => void): void {
  describe(`LB_METHOD=${method}`, () => {
    let stack: ComposeStack;
    beforeAll(async () => {
      stack = await ComposeStack.up(`lb-${method.replace('_', '-')}`, { env: { LB_METHOD: method } });
    });
    afterAll(async () => {
      await stack?.down();
    });

    it('names itself at /api/balancer', async () => {
      const res = await fetch(stack.url('/api/balancer'));
      expect(await res.json()).toEqual({ method });
    });

    tests(() => stack);

    it('takes a scale-up to 5 replicas without an NGINX reload', async () => {
      const workers = await stack.nginxWorkerPids();
      await scaleTo(stack, 5);
      expect(await stack.nginxWorkerPids()).toEqual(workers);
    });
  });
}

describeMethod('least_conn', (stack) => {
  it('sends a slow replica under half its round-robin share', async () => {
    const [slow] = await stack().hostnames();
    const hostnames = await concurrently(300, 12, async () => {
      return (await whoami(stack(), { query: `?delay=300&delay_on=${slow}` })).hostname;
    });
    const counts = tally(hostnames);
    report('least_conn', `300 GETs, 12 at a time, ${slow} slow (300 ms)`, counts);
    expect(hostnames.every(Boolean)).toBe(true);
    // Round robin gives every replica 100 of 300, slow or not.
    expect(counts.get(slow) ?? 0).toBeLessThan(50);
  });
});

describeMethod('random', (stack) => {
  it('spreads 300 GETs over 3 replicas, each within 60-140, in no fixed order', async () => {
    const hostnames = await concurrently(300, 1, async () => (await whoami(stack())).hostname);
    const shares = report('random', '300 GETs', tally(hostnames));
    expect(shares).toHaveLength(3);
    expect(shares[0]).toBeGreaterThanOrEqual(60);
    expect(shares[2]).toBeLessThanOrEqual(140);
    // Round robin repeats the answer 3 places back every time; random does about a third of the time.
    const repeats = hostnames.filter((h, i) => i >= 3 && h === hostnames[i - 3]).length;
    expect(repeats).toBeLessThan(200);
  });
});

describeMethod('hash', (stack) => {
  const as = (client: string) => ({ headers: { 'X-Client-ID': client } });

  it('keeps each client (X-Client-ID) on one replica over 50 requests', async () => {
    for (const client of ['alice', 'bob', 'carol']) {
      const hostnames = await concurrently(50, 1, async () => (await whoami(stack(), as(client))).hostname);
      expect(tally(hostnames).size).toBe(1);
    }
  });

  it('spreads 300 clients over every replica, each within 50-150', async () => {
    const hostnames = await concurrently(300, 4, async (i) => (await whoami(stack(), as(`client-${i}`))).hostname);
    const shares = report('hash', '300 clients', tally(hostnames));
    expect(shares).toHaveLength(3);
    expect(shares[0]).toBeGreaterThanOrEqual(50);
    expect(shares[2]).toBeLessThanOrEqual(150);
  });
});

describeMethod('sticky', (stack) => {
  /** A new client: its first request, without a cookie, pins it (Set-Cookie srv_id). */
  async function newClient(): Promise<{ hostname: string; cookie: string }> {
    const first = await whoami(stack());
    if (!first.stickyCookie) throw new Error('NGINX set no srv_id cookie');
    return { hostname: first.hostname, cookie: first.stickyCookie };
  }

  it('keeps a client (its cookie) on one replica over 50 requests', async () => {
    for (let n = 0; n < 3; n += 1) {
      const { hostname, cookie } = await newClient();
      const hostnames = await concurrently(
        50,
        1,
        async () => (await whoami(stack(), { headers: { cookie } })).hostname,
      );
      expect(tally(hostnames)).toEqual(new Map([[hostname, 50]]));
    }
  });

  it('spreads 300 new clients over every replica, each within 80-120', async () => {
    const hostnames = await concurrently(300, 4, async () => (await newClient()).hostname);
    const shares = report('sticky', '300 clients', tally(hostnames));
    expect(shares).toHaveLength(3);
    expect(shares[0]).toBeGreaterThanOrEqual(80);
    expect(shares[2]).toBeLessThanOrEqual(120);
  });

  it('moves a client whose replica stops to another one and pins it there; only the first GET may fail', async () => {
    const { hostname, cookie } = await newClient();
    const ids = await stack().containers('server');
    const hostnames = await stack().hostnames();
    await docker(['stop', '--timeout', '10', ids[hostnames.indexOf(hostname)]]);
    const after = [];
    let pinned = cookie;
    for (let i = 0; i < 20; i += 1) {
      const answer = await whoami(stack(), { headers: { cookie: pinned } });
      after.push(answer);
      pinned = answer.stickyCookie ?? pinned;
    }
    const failed = after.filter((a) => a.status !== 200);
    console.log(`sticky: failover: ${failed.length} of 20 GETs failed (${failed.map((a) => a.status).join(', ')})`);
    // NGINX 1.30's sticky does not retry the request whose pinned replica times out ("no live upstreams"):
    // that one answer is a 502 with Retry-After, and re-pins the client (docs/balancing.md).
    expect(after.slice(1).filter((a) => a.status !== 200)).toEqual([]);
    const moved = after[1].hostname;
    expect(moved).not.toBe(hostname);
    expect(pinned).not.toBe(cookie);
    expect(new Set(after.slice(1).map((a) => a.hostname))).toEqual(new Set([moved]));
    await stack().compose(['up', '--detach', '--no-build', '--wait', '--scale', 'server=3']);
  });
});

describe('LB_METHOD=<unknown>', () => {
  it('NGINX refuses to start, with one line naming LB_METHOD and the allowed values', async () => {
    // The nginx service exactly as `up` starts it (image, mounts, entrypoint, user), without replicas.
    const project = ['compose', '--project-directory', repoRoot, '--project-name', 'rrtest-lb-unknown'];
    const env = { ...process.env, LB_METHOD: 'fastest' };
    try {
      const start = docker([...project, 'run', '--rm', '--no-deps', '-T', 'nginx'], { env, timeoutMs: 60_000 });
      await expect(start).rejects.toThrow(
        'LB_METHOD=fastest is not a balancing method; allowed: round_robin least_conn random ip_hash hash sticky',
      );
    } finally {
      await docker([...project, 'down', '--remove-orphans', '--timeout', '1'], { env });
    }
  });
});
