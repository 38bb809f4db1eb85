/**
 * What Compose users really do to a running stack, under GET and POST load: restart the replicas one after
 * another without waiting, open the live view, roll out a new image with tools/rollout.sh (and a broken one).
 * Figures are printed as `[zero-downtime] ...` lines for docs/zero-downtime.md and docs/reliability.md.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { docker, inspect } from '../../harness/docker';
import { sleep } from '../../harness/http';
import { repoRoot } from '../../harness/repo';
import { ComposeStack } from '../../harness/stack';
import { runLoad, type LoadOptions, type LoadResult } from './support/load';

function load(stack: ComposeStack, until: Promise<unknown>, extra: Partial<LoadOptions> = {}): Promise<LoadResult> {
  return runLoad({
    url: stack.url('/api/whoami'),
    concurrency: 4,
    durationMs: 180_000,
    maxRequests: 400_000,
    until,
    ...extra,
  });
}

function postLoad(stack: ComposeStack, until: Promise<unknown>): Promise<LoadResult> {
  return load(stack, until, {
    url: stack.url('/api/echo'),
    method: 'POST',
    body: '{"zero":"downtime"}',
    concurrency: 2,
  });
}

function report(what: string, result: LoadResult): void {
  const sample = result.failures.slice(0, 3).join(' | ');
  console.log(
    `[zero-downtime] ${what}: ${result.failures.length} failed of ${result.total}, worst ${result.maxLatencyMs} ms${sample ? `; ${sample}` : ''}`,
  );
}

describe('on a running stack', () => {
  let stack: ComposeStack;

  beforeAll(async () => {
    stack = await ComposeStack.up('restarts');
  });

  afterAll(async () => {
    await stack?.down();
  });

  // 3 s is what an operator types; 1 s is about how long a replica takes to answer again after its restart.
  it.each([3_000, 1_000])(
    'fails no GET and no POST while the replicas are restarted one after another, %i ms apart, without waiting for health',
    async (spacingMs) => {
      const replicas = await stack.containers('server');
      // for c in $(docker compose ps -q server); do docker restart $c; sleep 3; done
      const restarts = (async () => {
        await sleep(1_000);
        for (const id of replicas) {
          await docker(['restart', id]);
          await sleep(spacingMs);
        }
      })();
      // 16 GET loops: more fresh upstream connections, so more of them meet a replica while it is down.
      const [gets, posts] = await Promise.all([load(stack, restarts, { concurrency: 16 }), postLoad(stack, restarts)]);
      await restarts;
      report(`restarts ${spacingMs} ms apart, GET`, gets);
      report(`restarts ${spacingMs} ms apart, POST`, posts);
      expect(gets.failures).toEqual([]);
      expect(posts.failures).toEqual([]);
      expect(gets.ok).toBeGreaterThan(100);
      expect(posts.ok).toBeGreaterThan(50);
      await stack.waitForReplicas(3);
    },
  );

  it('fails no request while four clients load the live view in a loop next to API traffic', async () => {
    const eightSeconds = sleep(8_000);
    const pageLoads = Array.from({ length: 4 }, () =>
      load(stack, eightSeconds, { url: stack.url('/live'), concurrency: 1 }),
    );
    const [api, ...pages] = await Promise.all([load(stack, eightSeconds), ...pageLoads]);
    report('live view loaders, /api/whoami', api);
    pages.forEach((page, i) => report(`live view loader ${i + 1}`, page));
    expect(api.failures).toEqual([]);
    expect(pages.flatMap((p) => p.failures)).toEqual([]);
    expect(api.ok).toBeGreaterThan(100);
    expect(pages.every((p) => p.ok > 10)).toBe(true);
  });

  // Not zero-downtime commands: measured for docs/zero-downtime.md, which points to tools/rollout.sh instead.
  it.each([
    ['docker compose restart server', ['restart', 'server']],
    ['docker compose up -d --force-recreate server', ['up', '--detach', '--no-build', '--force-recreate', 'server']],
  ])('measures `%s` under load; all three replicas serve again afterwards', async (what, args) => {
    // Load runs on 6 s after the command returns: NGINX may still be learning the new addresses.
    const command = sleep(1_000)
      .then(() => stack.compose(args, 180_000))
      .then(() => sleep(6_000));
    const [gets, posts] = await Promise.all([load(stack, command), postLoad(stack, command)]);
    await command;
    report(`${what}, GET`, gets);
    report(`${what}, POST`, posts);
    await stack.waitForReplicas(3);
  });
});

interface Rollout {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs tools/rollout.sh as a user would, from the repository, with the stack's project and APP_VERSION. */
function rollout(stack: ComposeStack, env: Record<string, string>): Promise<Rollout> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [path.join(repoRoot, 'tools/rollout.sh')],
      {
        cwd: repoRoot,
        env: { ...process.env, COMPOSE_PROJECT_NAME: stack.project, ...env },
        timeout: 300_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Versions named by `count` answers through NGINX. */
async function versionsNow(stack: ComposeStack, count: number): Promise<Map<string, number>> {
  return (await runLoad({ url: stack.url('/api/whoami'), concurrency: 2, durationMs: 30_000, maxRequests: count }))
    .versions;
}

describe('tools/rollout.sh', () => {
  const NEW_VERSION = 'rollout-new';
  const BROKEN_VERSION = 'rollout-broken';
  let stack: ComposeStack;

  beforeAll(async () => {
    stack = await ComposeStack.up('rollout');
    await docker(
      [
        'build',
        '--quiet',
        '--tag',
        `roundrobin/server:${BROKEN_VERSION}`,
        '--build-arg',
        'BASE_IMAGE=roundrobin/server:dev',
        '--file',
        path.join(repoRoot, 'tests/e2e/fixtures/exits-at-start.Dockerfile'),
        path.join(repoRoot, 'tests/e2e/fixtures'),
      ],
      { timeoutMs: 120_000 },
    );
  }, 300_000);

  afterAll(async () => {
    await stack?.down();
    await docker(['rmi', `roundrobin/server:${NEW_VERSION}`, `roundrobin/server:${BROKEN_VERSION}`]).catch(() => {});
  });

  it('deploys a new APP_VERSION (building it) with no failed GET or POST; then only the new version answers', async () => {
    const old = await stack.containers('server');
    const run = rollout(stack, { APP_VERSION: NEW_VERSION });
    const [gets, posts, result] = await Promise.all([load(stack, run), postLoad(stack, run), run]);
    console.log(result.stdout + result.stderr);
    report('rollout GET', gets);
    report('rollout POST', posts);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`done: roundrobin/server:dev -> roundrobin/server:${NEW_VERSION}`));
    expect(gets.failures).toEqual([]);
    expect(posts.failures).toEqual([]);
    expect(gets.versions.get(NEW_VERSION)).toBeGreaterThan(0);

    expect([...(await versionsNow(stack, 60)).keys()]).toEqual([NEW_VERSION]);
    for (const id of old) await expect(inspect(id)).rejects.toThrow();
    expect(await stack.containers('server')).toHaveLength(3);
  });

  it('rolls back a release that crashes at start, at once: no failed request, the old version keeps serving, exit 1', async () => {
    const before = (await stack.containers('server')).sort();
    const run = rollout(stack, { APP_VERSION: BROKEN_VERSION, ROLLOUT_TIMEOUT: '20' });
    const [gets, posts, result] = await Promise.all([load(stack, run), postLoad(stack, run), run]);
    console.log(result.stdout + result.stderr);
    report('rollback GET', gets);
    report('rollback POST', posts);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/exits after it starts .*rolled back/);
    expect(gets.failures).toEqual([]);
    expect(posts.failures).toEqual([]);
    expect([...gets.versions.keys()]).toEqual([NEW_VERSION]);
    expect((await stack.containers('server')).sort()).toEqual(before);
  });

  it('refuses (exit 2) while another rollout of the project runs, and when the stack is not up', async () => {
    const first = rollout(stack, { APP_VERSION: NEW_VERSION });
    await sleep(1_500);
    const second = await rollout(stack, { APP_VERSION: NEW_VERSION });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/another rollout of rrtest-rollout is running/);
    expect((await first).code).toBe(0);

    const notUp = await rollout(stack, { COMPOSE_PROJECT_NAME: 'rrtest-not-up' });
    expect(notUp.code).toBe(2);
    expect(notUp.stderr).toBe('rollout: the stack (rrtest-not-up) is not up: start it with docker compose up -d\n');
  });
});

describe('the default rate limit (docker-compose.yml)', () => {
  let stack: ComposeStack;

  beforeAll(async () => {
    stack = await ComposeStack.up('rate-limit', { productRateLimit: true });
  });

  afterAll(async () => {
    await stack?.down();
  });

  it('lets `npm run verify --concurrency 8` through (its 300 requests at once) without a 429', async () => {
    const result = await runLoad({
      url: stack.url('/api/whoami'),
      concurrency: 8,
      durationMs: 30_000,
      maxRequests: 300,
    });
    report('300 requests, 8 at once, default limit', result);
    expect(result.failures).toEqual([]);
  });

  it('refuses one flooding client within its first second (429, JSON, Retry-After) while another address is served', async () => {
    await sleep(3_500); // the bucket refills after the test above
    // A client at a normal rate (10 req/s), from another address: a replica container on the stack's network.
    const calm = stack.exec('server', [
      'node',
      '-e',
      `(async () => { const s = []; for (let i = 0; i < 40; i++) { const r = await fetch('http://nginx:8080/api/whoami');
        s.push(r.status); await new Promise((r) => setTimeout(r, 100)); } console.log(JSON.stringify(s)); })();`,
    ]);
    await sleep(500);
    const started = Date.now();
    let first429: { afterMs: number; body: string; retryAfter: string | null } | undefined;
    let sent = 0;
    // As fast as it can: 400 requests at once, each connection sending its next as soon as it is answered.
    const flooders = Array.from({ length: 400 }, async () => {
      while (Date.now() - started < 2_000 && sent < 20_000) {
        sent += 1;
        const sentAt = Date.now();
        const res = await fetch(stack.url('/api/whoami'), { signal: AbortSignal.timeout(10_000) });
        const body = await res.text();
        if (res.status === 429 && !first429) {
          // When the refused request was sent, from the flood's start: the answer's own delay is the host's load.
          first429 = { afterMs: sentAt - started, body, retryAfter: res.headers.get('retry-after') };
        }
      }
    });
    await Promise.all(flooders);
    const calmStatuses = JSON.parse((await calm).stdout) as number[];
    console.log(
      `[zero-downtime] flood: ${sent} requests in 2 s, first refused request sent ${first429?.afterMs} ms into the flood; calm client: ${calmStatuses.filter((s) => s === 200).length} of ${calmStatuses.length} served`,
    );
    expect(first429).toBeDefined();
    expect(first429!.afterMs).toBeLessThan(1_000);
    expect(JSON.parse(first429!.body)).toMatchObject({ error: 'too_many_requests' });
    expect(first429!.retryAfter).toMatch(/^\d+$/);
    expect(calmStatuses).toEqual(Array(40).fill(200));
  });
});
