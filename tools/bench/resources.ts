/**
 * What a container costs, read from the host's kernel without entering the container: CPU time and
 * memory from its cgroup (v1 or v2), and TCP counters of its network namespace (/proc/<pid>/net).
 * Reading files is free next to the load; `docker stats` would sample at 1 s and cost a daemon call.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { docker } from '../../harness/docker';

export interface TcpCounters {
  /** connect()s made from this namespace: NGINX's upstream connections. */
  activeOpens: number;
  /** Connections accepted in this namespace. */
  passiveOpens: number;
  /** SYNs dropped because a listen queue (the backlog) was full. */
  listenOverflows: number;
}

/** CFS bandwidth control: periods (100 ms by default) in which the cgroup used up its quota and had to wait. */
export interface Throttling {
  periods: number;
  throttledPeriods: number;
  throttledNs: number;
}

export interface ResourceSample {
  cpuNs: number;
  tcp: TcpCounters;
  throttling: Throttling;
}

function cgroupPaths(pid: number): { v1Cpu?: string; v1CpuStat?: string; v1Memory?: string; v2?: string } {
  const paths: { v1Cpu?: string; v1CpuStat?: string; v1Memory?: string; v2?: string } = {};
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const [hierarchy, controllers, path] = line.split(':');
    if (path === undefined) continue;
    if (hierarchy === '0' && controllers === '') paths.v2 = path;
    const names = controllers.split(',');
    if (names.includes('cpuacct')) paths.v1Cpu = path;
    if (names.includes('cpu')) paths.v1CpuStat = `/sys/fs/cgroup/${controllers}${path}/cpu.stat`;
    if (names.includes('memory')) paths.v1Memory = path;
  }
  return paths;
}

/** Reads "key value" lines (memory.stat, cpu.stat) into numbers. */
function keyValues(text: string): Map<string, number> {
  return new Map(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [key, value] = line.split(' ');
        return [key, Number(value)] as const;
      }),
  );
}

/** /proc/net/snmp and /proc/net/netstat hold pairs of lines: "Tcp: names..." then "Tcp: values...". */
function protocolCounters(text: string, prefix: string): Map<string, number> {
  const lines = text.split('\n').filter((l) => l.startsWith(`${prefix}:`));
  const names = lines[0]?.split(/\s+/).slice(1) ?? [];
  const values = lines[1]?.split(/\s+/).slice(1) ?? [];
  return new Map(names.map((name, i) => [name, Number(values[i])]));
}

export class ContainerProbe {
  private readonly cpuFile: string;
  private readonly cpuStatFile: string | undefined;
  private readonly memoryStatFile: string;
  private readonly rssKey: string;

  private constructor(
    readonly name: string,
    private readonly pid: number,
  ) {
    const paths = cgroupPaths(pid);
    if (paths.v1Cpu !== undefined && paths.v1Memory !== undefined) {
      this.cpuFile = `/sys/fs/cgroup/cpuacct${paths.v1Cpu}/cpuacct.usage`;
      this.memoryStatFile = `/sys/fs/cgroup/memory${paths.v1Memory}/memory.stat`;
      this.rssKey = 'total_rss';
      this.cpuStatFile = paths.v1CpuStat;
    } else if (paths.v2 !== undefined) {
      this.cpuFile = `/sys/fs/cgroup${paths.v2}/cpu.stat`;
      this.memoryStatFile = `/sys/fs/cgroup${paths.v2}/memory.stat`;
      this.rssKey = 'anon';
      this.cpuStatFile = this.cpuFile;
    } else {
      throw new Error(`no cpu/memory cgroup found for container ${name} (pid ${pid})`);
    }
  }

  /** The probe of a running container, by name or id; its processes must be visible from here (same host). */
  static async of(container: string): Promise<ContainerProbe> {
    const { stdout } = await docker(['inspect', '--format', '{{.Name}} {{.State.Pid}}', container]);
    const [name, pid] = stdout.trim().split(' ');
    return new ContainerProbe(name.replace(/^\//, ''), Number(pid));
  }

  cpuNs(): number {
    const text = readFileSync(this.cpuFile, 'utf8');
    // v1: total nanoseconds; v2: "usage_usec N" among other lines.
    return this.cpuFile.endsWith('cpu.stat') ? (keyValues(text).get('usage_usec') ?? 0) * 1_000 : Number(text.trim());
  }

  /** Anonymous memory of the container's processes (heap, stacks): their RSS without the page cache. */
  rssBytes(): number {
    return keyValues(readFileSync(this.memoryStatFile, 'utf8')).get(this.rssKey) ?? 0;
  }

  tcp(): TcpCounters {
    const snmp = protocolCounters(readFileSync(`/proc/${this.pid}/net/snmp`, 'utf8'), 'Tcp');
    const netstat = protocolCounters(readFileSync(`/proc/${this.pid}/net/netstat`, 'utf8'), 'TcpExt');
    return {
      activeOpens: snmp.get('ActiveOpens') ?? 0,
      passiveOpens: snmp.get('PassiveOpens') ?? 0,
      listenOverflows: netstat.get('ListenOverflows') ?? 0,
    };
  }

  /** v1: throttled_time in ns; v2: throttled_usec. All zero where the cpu controller is not visible. */
  throttling(): Throttling {
    if (this.cpuStatFile === undefined) return { periods: 0, throttledPeriods: 0, throttledNs: 0 };
    const stat = keyValues(readFileSync(this.cpuStatFile, 'utf8'));
    return {
      periods: stat.get('nr_periods') ?? 0,
      throttledPeriods: stat.get('nr_throttled') ?? 0,
      throttledNs: stat.get('throttled_time') ?? (stat.get('throttled_usec') ?? 0) * 1_000,
    };
  }

  sample(): ResourceSample {
    return { cpuNs: this.cpuNs(), tcp: this.tcp(), throttling: this.throttling() };
  }
}

/** CPU time (ns) of host processes by command name, per pid (dockerd, containerd-shim, docker-proxy). */
export function hostProcessCpuNs(commands: readonly string[], procDir = '/proc'): Map<number, number> {
  const ticksPerSecond = 100; // USER_HZ: 100 on every Linux ABI Docker runs on.
  const byPid = new Map<number, number>();
  for (const entry of readdirSync(procDir).filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`${procDir}/${entry}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!commands.includes(command)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime (fields 14 and 15 of proc(5))
      byPid.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1e9);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return byPid;
}

/**
 * CPU the host processes used between two readings: per pid, so that one ending in between (a container of
 * another project stopping takes its containerd-shim along) does not subtract its whole life from the sum.
 */
export function hostCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ns = 0;
  for (const [pid, total] of after) ns += total - (before.get(pid) ?? 0);
  return ns;
}
