/**
 * HTTPS and HTTP/2 at the edge, with the stack's own local CA (docs/https.md): real curl, real Node TLS clients,
 * the compose file and nginx.conf a user runs. Plain HTTP keeps working on its own port.
 */
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from '../../harness/chromium';
import { eventually } from '../../harness/http';
import { docker, inspect } from '../../harness/docker';
import { repoRoot } from '../../harness/repo';
import { ComposeStack } from '../../harness/stack';
import { expectShortJsonError, fetchedAnswer } from './support/json-error';
import { curl, httpsGet, presentedCertificate, stackCa } from './support/tls';

interface Identity {
  hostname: string;
  protocol: string;
}

/** curl prints each body, then `\n<http version>\n`: the identities and versions of a run of requests. */
function parseRuns(stdout: string): { bodies: Identity[]; versions: string[] } {
  const lines = stdout.split('\n').filter(Boolean);
  const bodies: Identity[] = [];
  const versions: string[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    bodies.push(JSON.parse(lines[i]) as Identity);
    versions.push(lines[i + 1]);
  }
  return { bodies, versions };
}

function counts(values: string[]): number[] {
  const tally = new Map<string, number>();
  for (const value of values) tally.set(value, (tally.get(value) ?? 0) + 1);
  return [...tally.values()];
}

let stack: ComposeStack;
let ca: { file: string; pem: string };

beforeAll(async () => {
  // NGINX looks for a renewed certificate every second here (60 s by default), so the renewal test is quick.
  stack = await ComposeStack.up('tls-https', { env: { TLS_WATCH_SECONDS: '1', TLS_CERT_DAYS: '10' } });
  ca = await stackCa(stack);
});

afterAll(async () => {
  await stack?.down();
});

describe('HTTPS in Chromium', () => {
  it('loads / and /live over HTTP/2, the certificate pinned by its key, and shows the rotation', async () => {
    // Chromium trusts the stack's certificate by its public key (SPKI pin): no change to any system trust store.
    const pem = (await stack.exec('nginx', ['cat', '/etc/nginx/tls/cert.pem'])).stdout;
    const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
    const pin = createHash('sha256').update(spki).digest('base64');
    const chromium = await launchChromium(undefined, [`--ignore-certificate-errors-spki-list=${pin}`]);
    try {
      const page = await chromium.context.newPage();
      const hostnames = new Set<string>();
      for (let i = 0; i < 3; i += 1) {
        const res = await page.goto(stack.httpsUrl('/'));
        expect(res?.status()).toBe(200);
        hostnames.add((await page.textContent('#hostname')) ?? '');
        // A string: Node's tsconfig has no DOM types; it runs in the page.
        const protocol = await page.evaluate('performance.getEntriesByType("navigation")[0].nextHopProtocol');
        expect(protocol).toBe('h2');
      }
      expect(hostnames.size).toBe(3);
      const live = await page.goto(stack.httpsUrl('/live'));
      expect(live?.status()).toBe(200);
      await eventually(
        async () => ((await page.$$('#replicas .replica')).length === 3 ? true : undefined),
        30_000,
        'the live view to draw 3 replicas',
      );
    } finally {
      await chromium.close();
    }
  });
});

describe('HTTPS with the generated local CA', () => {
  it('rotates 300 curl requests over HTTP/2, 100 per replica, each replica told the client came over HTTPS', async () => {
    const url = stack.httpsUrl('/api/whoami');
    const { stdout, stderr, code } = await curl(
      [
        '--silent',
        '--show-error',
        '--cacert',
        ca.file,
        '--write-out',
        '\n%{http_version}\n',
        ...Array<string>(300).fill(url),
      ],
      120_000,
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const { bodies, versions } = parseRuns(stdout);
    expect(bodies).toHaveLength(300);
    expect(new Set(versions)).toEqual(new Set(['2']));
    expect(counts(bodies.map((b) => b.hostname))).toEqual([100, 100, 100]);
    expect(new Set(bodies.map((b) => b.protocol))).toEqual(new Set(['https']));
    const { stdout: logs } = await stack.compose(['logs', '--no-log-prefix', 'server']);
    expect(logs).toContain('"protocol":"https"');
  });

  it('still answers plain HTTP on its HTTP port, the same rotation, protocol http', async () => {
    const hostnames: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const body = (await (await fetch(stack.url('/api/whoami'))).json()) as Identity;
      expect(body.protocol).toBe('http');
      hostnames.push(body.hostname);
    }
    expect(new Set(hostnames).size).toBe(3);
  });

  it('answers plain HTTP sent to the HTTPS port with a 400 JSON that says so, at once', async () => {
    const res = await fetch(`http://127.0.0.1:${stack.httpsPort}/api/whoami`, { signal: AbortSignal.timeout(5_000) });
    expectShortJsonError(await fetchedAnswer(res), 400, 'plain_http_to_https_port');
  });

  it('gives an unknown SNI name the default certificate, and the rotation', async () => {
    const certificate = await presentedCertificate(stack.httpsPort, 'unknown.example');
    expect(certificate.subjectaltname).toContain('DNS:localhost');
    const hostnames = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const { stdout } = await curl([
        '--silent',
        '--insecure',
        '--connect-to',
        `unknown.example:443:127.0.0.1:${stack.httpsPort}`,
        'https://unknown.example/api/whoami',
      ]);
      hostnames.add((JSON.parse(stdout) as Identity).hostname);
    }
    expect(hostnames.size).toBe(3);
  });

  it("answers errors over HTTPS with the same short JSON as over HTTP, NGINX's and the replicas'", async () => {
    for (const [args, status, code] of [
      [['/healthz'], 404, 'not_found'],
      [['--request', 'DELETE', '/'], 405, 'method_not_allowed'],
      [['/no/such/page'], 404, 'not_found'],
    ] as const) {
      const pathname = args[args.length - 1];
      const { stdout } = await curl([
        '--silent',
        '--cacert',
        ca.file,
        ...args.slice(0, -1),
        '--write-out',
        '\n%{http_code} %{content_type}',
        stack.httpsUrl(pathname),
      ]);
      const [body, last] = [stdout.slice(0, stdout.lastIndexOf('\n')), stdout.slice(stdout.lastIndexOf('\n') + 1)];
      const [httpCode, contentType] = last.split(' ');
      expectShortJsonError({ status: Number(httpCode), contentType, body }, status, code);
    }
  });

  it('bounds an HTTP/2 header list: an oversized one is refused, and the next request is served', async () => {
    const big = ['--header', `X-Big: ${'x'.repeat(12_000)}`];
    const refused = await curl([
      '--silent',
      '--cacert',
      ca.file,
      ...big,
      '--write-out',
      '%{http_code}',
      stack.httpsUrl('/api/whoami'),
    ]);
    expect(refused.stdout).not.toContain('200');
    const res = await httpsGet(stack.httpsUrl('/api/whoami'), ca.pem);
    expect(res.status).toBe(200);
  });

  it('keeps the private key readable by NGINX alone, outside the image, under a read-only root', async () => {
    const { stdout } = await stack.exec('nginx', ['stat', '-c', '%a %u', '/etc/nginx/tls/key.pem']);
    expect(stdout.trim()).toBe('400 101');
    const [nginx] = await stack.containers('nginx');
    expect((await inspect(nginx)).HostConfig.ReadonlyRootfs).toBe(true);
    const denied = await stack.compose(['exec', '-T', 'nginx', 'ls', '/ca']).catch((err: Error) => err.message);
    expect(denied).toMatch(/No such file/);
  });

  it('replaces a certificate about to expire on the next start, and NGINX switches with 0 failed requests', async () => {
    const before = await presentedCertificate(stack.httpsPort, 'localhost');
    expect(new Date(before.valid_to).getTime() - Date.now()).toBeLessThan(11 * 86_400_000);

    // The next start, with the default validity: the certs service sees a certificate expiring within 30 days.
    const env = { ...process.env, HTTP_PORT: String(stack.port), HTTPS_PORT: String(stack.httpsPort) };
    const restart = docker(
      ['compose', '--project-directory', repoRoot, '-p', stack.project, 'up', '--detach', '--no-deps', 'certs'],
      { env, timeoutMs: 120_000 },
    );
    const renewed = eventually(
      async () => {
        const now = await presentedCertificate(stack.httpsPort, 'localhost');
        return now.fingerprint256 !== before.fingerprint256 ? now : undefined;
      },
      90_000,
      'NGINX to serve the renewed certificate',
    );
    let done = false;
    void renewed.finally(() => (done = true)).catch(() => undefined);
    const failures: string[] = [];
    let ok = 0;
    const deadline = Date.now() + 100_000;
    async function client() {
      // A full handshake per request: every request meets whichever certificate NGINX holds at that moment.
      while (!done && Date.now() < deadline && ok + failures.length < 20_000) {
        try {
          const res = await httpsGet(stack.httpsUrl('/api/whoami'), ca.pem);
          if (res.status === 200) ok += 1;
          else failures.push(`HTTP ${res.status}`);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    }
    await Promise.all([restart, renewed, ...Array.from({ length: 4 }, client)]);
    const after = await renewed;
    console.log(`[https] renewal under load: ${ok} requests ok, ${failures.length} failed`);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    expect(new Date(after.valid_to).getTime() - Date.now()).toBeGreaterThan(300 * 86_400_000);
  });
});

describe('your own certificate', () => {
  /** Runs NGINX's start (its entrypoint, then nginx -t) against the files in `dir`, as TLS_DIR. */
  async function startWith(name: string, dir: string) {
    const compose = ['compose', '--project-directory', repoRoot, '-p', `tls-own-${name}`];
    const env = { ...process.env, TLS_DIR: dir };
    try {
      await docker([...compose, 'run', '--rm', '--no-deps', '-T', 'nginx', 'nginx', '-t'], { env, timeoutMs: 120_000 });
      return '';
    } catch (err) {
      return (err as Error).message;
    } finally {
      await docker([...compose, 'down', '--volumes'], { env, timeoutMs: 60_000 });
    }
  }

  function pairDir(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-own-'));
    fs.chmodSync(dir, 0o755);
    for (const [name, content] of Object.entries(files))
      fs.writeFileSync(path.join(dir, name), content, { mode: 0o644 });
    return dir;
  }

  it('stops NGINX with one line naming the key when it does not match the certificate', async () => {
    const cert = (await stack.exec('nginx', ['cat', '/etc/nginx/tls/cert.pem'])).stdout;
    // A real key, but another one: the CA's.
    const otherKey = (await stack.compose(['exec', '-T', 'certs', 'cat', '/ca/ca-key.pem'])).stdout;
    const message = await startWith('mismatch', pairDir({ 'cert.pem': cert, 'key.pem': otherKey }));
    expect(message).toContain('tls: /etc/nginx/tls/key.pem does not match /etc/nginx/tls/cert.pem');
  });

  it('stops NGINX with one line naming the missing file', async () => {
    const message = await startWith('missing', pairDir({ 'cert.pem': 'not a certificate' }));
    expect(message).toContain('tls: /etc/nginx/tls/key.pem is missing');
  });
});
