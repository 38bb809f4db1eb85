import { docker, inspect } from '../../../harness/docker';

/**
 * Faults and readings on one replica container, by id. Each reads the container itself (its /proc,
 * docker inspect), never what the stack reports about itself.
 */

/** Shell snippet: the pid of the replica's node process (PID 1 is tini, `init: true`). */
const NODE_PID = `for p in /proc/[0-9]*; do case "$(tr '\\0' ' ' < "$p/cmdline")" in "node server/src/index.js"*) echo "\${p#/proc/}";; esac; done`;

/**
 * SIGKILLs the node process inside the container: a crash, as the restart policy sees it.
 * (`docker kill` would not do: Docker 20.10 treats it as a manual stop and `unless-stopped`
 * does not restart the container.)
 */
export async function crashReplica(id: string): Promise<void> {
  await docker(['exec', id, 'sh', '-c', `kill -KILL $(${NODE_PID})`]);
}

/** Resident memory of the replica's node process, in kB (VmRSS from /proc/<pid>/status). */
export async function replicaRssKb(id: string): Promise<number> {
  const { stdout } = await docker(['exec', id, 'sh', '-c', `grep VmRSS /proc/$(${NODE_PID})/status`]);
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(stdout)?.[1]);
  if (!Number.isFinite(kb) || kb <= 0) throw new Error(`no VmRSS for ${id}: ${stdout}`);
  return kb;
}

export async function restartCount(id: string): Promise<number> {
  return (await inspect(id)).RestartCount;
}

/** The container's address on the stack's network, as NGINX logs it in upstream_addr (without the port). */
export async function containerIp(id: string): Promise<string> {
  const networks = (await inspect(id)).NetworkSettings.Networks;
  const [ip] = Object.values(networks).map((n) => n.IPAddress);
  if (!ip) throw new Error(`container ${id} has no address`);
  return ip;
}
