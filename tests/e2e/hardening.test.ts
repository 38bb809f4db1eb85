/**
 * Hardening, asserted on the running containers (docker inspect, and what the processes see from
 * inside), not only read from docker-compose.yml. stack.test.ts covers the rest of the edge: no
 * published replica ports, /healthz|/readyz|/metrics hidden, security headers on a proxied answer,
 * X-Forwarded-For and X-Real-IP sent together.
 */
import os from 'node:os';
import { docker, inspect, nginxWorkerPids, type ContainerDetails } from '../../harness/docker';
import { eventually } from '../../harness/http';
import { ComposeStack } from '../../harness/stack';

let stack: ComposeStack;

beforeAll(async () => {
  stack = await ComposeStack.up('hardening', { replicas: 1 });
});

afterAll(async () => {
  await stack?.down();
});

async function inside(id: string, script: string): Promise<string> {
  return (await docker(['exec', id, 'sh', '-c', script])).stdout.trim();
}

/** A line of /proc/1/status: what the kernel enforces on the container's first process. */
async function procStatus(id: string, field: string): Promise<string> {
  return inside(id, `grep '^${field}:' /proc/1/status | cut -f2`);
}

/** A directory in the image owned by the user each container runs as. */
const OWNED_DIRECTORY = { nginx: '/var/cache/nginx', server: '/home/node' } as const;

describe.each(['nginx', 'server'] as const)('the %s container', (service) => {
  let id: string;
  let container: ContainerDetails;

  beforeAll(async () => {
    [id] = await stack.containers(service);
    container = await inspect(id);
  });

  it('runs as a non-root user', async () => {
    expect(container.Config.User).toBe(service === 'nginx' ? '101:101' : 'node');
    expect(await inside(id, 'id -u')).not.toBe('0');
    expect(await procStatus(id, 'Uid')).not.toMatch(/^0\b/);
  });

  it('has a read-only root filesystem, with tmpfs only where it must write', async () => {
    expect(container.HostConfig.ReadonlyRootfs).toBe(true);
    expect(Object.keys(container.HostConfig.Tmpfs ?? {}).sort()).toEqual(
      service === 'nginx' ? ['/etc/nginx/conf.d', '/tmp'] : ['/tmp'],
    );
    // A directory the container's own user owns: only a read-only mount can refuse a write there
    // (on `/` or `/usr`, a non-root user meets "Permission denied" even on a writable root filesystem).
    const owned = OWNED_DIRECTORY[service];
    expect(await inside(id, `stat -c %u ${owned}`)).toBe(await inside(id, 'id -u'));
    await expect(inside(id, `touch ${owned}/hardening-probe`)).rejects.toThrow(/Read-only file system/);
  });

  it('has no capabilities and cannot gain privileges', async () => {
    expect(container.HostConfig.CapDrop).toEqual(['ALL']);
    expect(container.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
    expect(await procStatus(id, 'CapEff')).toBe('0000000000000000');
    expect(await procStatus(id, 'CapBnd')).toBe('0000000000000000');
    expect(await procStatus(id, 'NoNewPrivs')).toBe('1');
  });

  it('has memory, CPU and pids limits', () => {
    expect(container.HostConfig.Memory).toBeGreaterThan(0);
    expect(container.HostConfig.NanoCpus).toBeGreaterThan(0);
    expect(container.HostConfig.PidsLimit).toBeGreaterThan(0);
  });
});

describe('NGINX', () => {
  it('listens on an unprivileged port inside, published on the host', async () => {
    const [nginx] = await stack.containers('nginx');
    expect(Object.keys((await inspect(nginx)).HostConfig.PortBindings ?? {})).toEqual(['8080/tcp', '8443/tcp']);
    // Listening TCP sockets in the container (state 0A), as ports. Docker's DNS adds one of its own on a high port.
    const hexPorts = await inside(nginx, 'awk \'$4 == "0A" {split($2, a, ":"); print a[2]}\' /proc/net/tcp');
    const ports = hexPorts.split('\n').map((hex) => parseInt(hex, 16));
    expect(ports).toEqual(expect.arrayContaining([8080, 8081]));
    expect(ports.every((port) => port >= 1024)).toBe(true);
  });

  it('keeps its status page off the public server, while a replica on the network reaches it', async () => {
    const outside = await fetch(stack.url('/nginx_status'));
    expect(outside.status).toBe(404);
    expect(await outside.text()).not.toMatch(/Active connections/);
    const [replica] = await stack.containers('server');
    const internal = await docker([
      'exec',
      replica,
      'node',
      '-e',
      "fetch('http://nginx:8081/nginx_status').then(async (r) => console.log(r.status, await r.text()))",
    ]);
    expect(internal.stdout).toMatch(/^200 Active connections: \d+/);
  });

  it('sends the security headers, and no version, on its own error pages too', async () => {
    for (const [path, init, status] of [
      ['/healthz', {}, 404],
      ['/', { method: 'DELETE' }, 405],
    ] as const) {
      const res = await fetch(stack.url(path), init);
      expect(res.status).toBe(status);
      expect(res.headers.get('server')).toBe('nginx');
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});

describe('the client address a replica reports', () => {
  it.each([
    ['X-Forwarded-For', { 'x-forwarded-for': '6.6.6.6' }],
    ['X-Forwarded-For with a chain', { 'x-forwarded-for': '6.6.6.6, 5.5.5.5' }],
    ['X-Real-IP', { 'x-real-ip': '7.7.7.7' }],
    ['Forwarded', { forwarded: 'for=8.8.8.8' }],
  ])('cannot be spoofed with %s', async (_header, headers) => {
    const honest = (await (await fetch(stack.url('/api/whoami'))).json()) as { clientIp: string };
    const spoofed = (await (await fetch(stack.url('/api/whoami'), { headers })).json()) as { clientIp: string };
    expect(honest.clientIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(spoofed.clientIp).toBe(honest.clientIp);
  });
});

// Last: it restarts NGINX with another CPU limit.
describe('NGINX worker processes', () => {
  async function workersWithCpus(cpus: string): Promise<number> {
    const [nginx] = await stack.containers('nginx');
    await docker(['update', '--cpus', cpus, nginx]);
    await docker(['restart', nginx]);
    return (
      await eventually(
        async () => {
          const pids = await nginxWorkerPids(nginx);
          return (await inspect(nginx)).State.Health?.Status === 'healthy' && pids.length > 0 ? pids : undefined;
        },
        60_000,
        'NGINX to be healthy again',
      )
    ).length;
  }

  it(`follow the container's CPU limit, not the host's ${os.availableParallelism()} cores`, async () => {
    const [nginx] = await stack.containers('nginx');
    expect((await inspect(nginx)).HostConfig.NanoCpus).toBe(1e9); // compose's `cpus: '1'`
    expect(await nginxWorkerPids(nginx)).toHaveLength(1);
    expect(await workersWithCpus('1.5')).toBe(Math.min(2, os.availableParallelism())); // rounded up
  });
});
