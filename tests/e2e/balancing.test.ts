/**
 * Each balancing method (LB_METHOD) on the real stack: the distribution it promises, measured through NGINX,
 * and scaling to 5 replicas without a reload. Round robin's own tests are in stack.test.ts.
 */
import { docker } from '../../harness/docker';
import { sleep } from '../../harness/http';
import { repoRoot } from '../../harness/repo';
import { ComposeStack } from '../../harness/stack';
import { concurrently, echo, scaleTo, tally, whoami } from './support/balancing';
import { ClientNetwork } from './support/client-network';

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

// Not describeMethod: its readiness check and scale-up test rotate over the replicas from this host, one
// address, which ip_hash sends to one replica; here the clients are containers with addresses of their own.
describe('LB_METHOD=ip_hash', () => {
  let stack: ComposeStack;
  let clients: ClientNetwork | undefined;
  beforeAll(async () => {
    stack = await ComposeStack.up('lb-ip-hash', { env: { LB_METHOD: 'ip_hash' }, waitForRotation: false });
    clients = await ClientNetwork.join(stack, 13);
    // `up --wait` saw every replica healthy; NGINX's next DNS refresh (valid=5s) has them all.
    await sleep(6_000);
  });
  afterAll(async () => {
    await clients?.leave();
    await stack?.down();
  });

  // ip_hash keys IPv4 clients on their first three bytes: one /24, one replica.
  it('keeps each client address on one replica, one /24 on one replica, and spreads 12 /24s over every replica', async () => {
    const network = clients!;
    // 12 clients, each in a /24 of its own, and 3 more beside the first one.
    const spread = Array.from({ length: 12 }, (_, i) => network.address(i + 1, 10));
    const neighbours = [11, 12, 13].map((host) => network.address(1, host));
    const replicaOf = new Map<string, string>();
    for (const address of [...spread, ...neighbours]) {
      const hostnames = await network.hostnamesFrom(address, 50);
      expect(hostnames).toHaveLength(50);
      expect(tally(hostnames).size).toBe(1);
      replicaOf.set(address, hostnames[0]);
    }
    report('ip_hash', '12 clients in 12 /24s, 50 GETs each', tally(spread.map((a) => replicaOf.get(a) ?? '')));
    expect(new Set(spread.map((a) => replicaOf.get(a)))).toEqual(new Set(await stack.hostnames()));
    expect(new Set([spread[0], ...neighbours].map((a) => replicaOf.get(a))).size).toBe(1);
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

  // `stop` drains the replica (it answers for 6 s, then refuses); `kill` drops its address at once. A request with
  // the old cookie then waits out the 2 s connect timeout on the vanished address; NGINX's DNS refresh (every 5 s)
  // often lands in that wait, which made NGINX answer 502 before @replicas_again (docs/balancing.md). Four GETs and
  // four POSTs, 0.25 s apart, wait from 0 to 3.75 s after the stop: most refreshes land in one of them. A POST there
  // reached no replica, so it is sent again too.
  it.each(['stop', 'kill'])(
    'moves a client whose replica gets `docker %s` to another one and pins it there, with no failed GET or POST',
    async (how) => {
      const { hostname, cookie } = await newClient();
      const ids = await stack().containers('server');
      const hostnames = await stack().hostnames();
      const id = ids[hostnames.indexOf(hostname)];
      await docker(how === 'stop' ? ['stop', '--timeout', '10', id] : ['kill', id]);
      const stale = await Promise.all(
        [0, 250, 500, 750, 1_000, 1_250, 1_500, 1_750].map(async (ms, i) => {
          await sleep(ms);
          return i % 2 === 0 ? whoami(stack(), { headers: { cookie } }) : echo(stack(), { cookie });
        }),
      );
      const moved = stale[0].hostname;
      let pinned = stale[0].stickyCookie ?? cookie;
      const then = [];
      for (let i = 0; i < 16; i += 1) {
        const answer = await whoami(stack(), { headers: { cookie: pinned } });
        then.push(answer);
        pinned = answer.stickyCookie ?? pinned;
      }
      const failed = [...stale, ...then].filter((a) => a.status !== 200);
      console.log(
        `sticky: ${how}: ${failed.length} of ${stale.length + then.length} requests failed (${failed.map((a) => a.status).join(', ')})`,
      );
      expect(failed).toEqual([]);
      expect(stale.map((a) => a.hostname)).not.toContain(hostname);
      expect(pinned).not.toBe(cookie);
      expect(new Set(then.map((a) => a.hostname))).toEqual(new Set([moved]));
      await scaleTo(stack(), 3);
    },
  );
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
