import { docker, inspect } from '../../../harness/docker';
import type { ComposeStack } from '../../../harness/stack';

/**
 * Clients with addresses of their own. Everything a test sends through the published port comes from one address
 * (the host, through the bridge gateway), which is all ip_hash sees. Here NGINX joins one more network, and each
 * client is a short-lived container on it, with the address the test picks: the answers show what ip_hash does with
 * many addresses, in one /24 and in several.
 */
export class ClientNetwork {
  private constructor(
    private readonly name: string,
    private readonly nginx: string,
    private readonly image: string,
    /** The network's first address, e.g. [172, 21, 0, 0]. */
    private readonly base: number[],
  ) {}

  /**
   * A network named after the stack, on a subnet that spans the /24s a test addresses. Docker picks a free subnet;
   * the network is then made again with that subnet given, since Docker assigns chosen addresses (`--ip`) only on
   * a network whose subnet was configured.
   */
  static async join(stack: ComposeStack, spanned24s: number): Promise<ClientNetwork> {
    const name = `${stack.project}-clients`;
    await docker(['network', 'rm', name]).catch(() => undefined);
    await docker(['network', 'create', name]);
    const { IPAM } = await inspect<{ IPAM: { Config: { Subnet: string }[] } }>(name);
    const subnet = IPAM.Config[0].Subnet;
    const [address, prefix] = subnet.split('/');
    if (2 ** (24 - Number(prefix)) <= spanned24s) throw new Error(`${name}: subnet ${subnet} too small`);
    await docker(['network', 'rm', name]);
    await docker(['network', 'create', '--subnet', subnet, name]);
    const [nginx] = await stack.containers('nginx');
    await docker(['network', 'connect', '--alias', 'nginx', name, nginx]);
    const image = (await inspect<{ Config: { Image: string } }>(nginx)).Config.Image;
    return new ClientNetwork(name, nginx, image, address.split('.').map(Number));
  }

  /** The address of host `host` in the network's /24 number `n` (n = 0 is the network's first /24). */
  address(n: number, host: number): string {
    return [this.base[0], this.base[1], this.base[2] + n, host].join('.');
  }

  /**
   * `count` GETs of /api/whoami over one keep-alive connection (curl's URL range), from `address`, through
   * NGINX's plain HTTP listener on this network: the hostname of each answer, in order.
   */
  async hostnamesFrom(address: string, count: number): Promise<string[]> {
    const url = `http://nginx:8080/api/whoami?n=[1-${count}]`;
    const run = ['run', '--rm', '--network', this.name, '--ip', address, '--entrypoint', 'curl', this.image];
    const { stdout } = await docker([...run, '--silent', '--fail', '--write-out', '\\n', url], { timeoutMs: 60_000 });
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { hostname: string }).hostname);
  }

  async leave(): Promise<void> {
    await docker(['network', 'disconnect', '--force', this.name, this.nginx]).catch(() => undefined);
    await docker(['network', 'rm', this.name]);
  }
}
