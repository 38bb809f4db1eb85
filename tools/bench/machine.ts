/** The machine a run happened on: figures mean nothing without it. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { docker } from '../../harness/docker';
import type { BenchStack } from './stacks';

export interface Machine {
  cores: number;
  cpuModel: string;
  kernel: string;
  memoryGiB: number;
  docker: string;
  compose: string;
  nginx: string;
  node: string;
  wrk: string;
  /** 1-minute load average before and after: a busy machine shows here. */
  loadBefore: number;
  loadAfter?: number;
}

function cpuModel(): string {
  try {
    return (
      /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown'
    );
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

async function output(args: string[], pattern: RegExp): Promise<string> {
  try {
    const { stdout, stderr } = await docker(args);
    return pattern.exec(`${stdout}\n${stderr}`)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function describeMachine(stack: BenchStack): Promise<Machine> {
  const [nginxId] = await stack.compose.containers('nginx');
  const [serverId] = await stack.compose.containers('server');
  return {
    cores: os.cpus().length,
    cpuModel: cpuModel(),
    kernel: os.release(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    docker: await output(['version', '--format', '{{.Server.Version}}'], /^(\S+)/),
    compose: await output(['compose', 'version', '--short'], /^(\S+)/),
    nginx: await output(['exec', nginxId, 'nginx', '-v'], /nginx version: nginx\/(\S+)/),
    node: await output(['exec', serverId, 'node', '--version'], /^(v\S+)/),
    // `wrk -v` prints its version, then exits 1.
    wrk: await output(['exec', stack.loadgen, 'sh', '-c', 'wrk -v || true'], /^wrk (\S+)/m),
    loadBefore: os.loadavg()[0],
  };
}
