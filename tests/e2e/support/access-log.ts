import type { ComposeStack } from '../../../harness/stack';

/** One line of NGINX's JSON access log (log_format json in nginx/nginx.conf). */
export interface AccessLogEntry {
  request_id: string;
  request: string;
  status: number;
  upstream_addr: string;
  upstream_status: string;
}

/** The JSON access-log lines NGINX has written since `since` (error-log lines are skipped). */
export async function accessLog(stack: ComposeStack, since: Date): Promise<AccessLogEntry[]> {
  // A second early: the engine's clock and ours are the same clock, but its timestamps are cut to the second.
  const from = new Date(since.getTime() - 1_000).toISOString();
  const { stdout } = await stack.compose(['logs', '--no-log-prefix', '--no-color', '--since', from, 'nginx']);
  return stdout
    .split('\n')
    .map((line) => line.slice(line.indexOf('{"time"'))) // compose may prefix a line with a terminal escape
    .filter((line) => line.startsWith('{"time"'))
    .map((line) => JSON.parse(line) as AccessLogEntry);
}

/** The replicas NGINX tried for one request, in order ("ip:3000" each): more than one means it was retried. */
export function upstreamsTried(entry: AccessLogEntry): string[] {
  return entry.upstream_addr.split(/[,:]\s*/).filter((part) => part.includes('.'));
}
