import { execFile } from 'node:child_process';

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs `docker ...args`, failing with docker's own stderr when it exits non-zero. */
export function docker(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'docker',
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`docker ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/** The parts of a container's `docker inspect` that tests and tools read. */
export interface ContainerDetails {
  Config: { Hostname: string; User: string; Env: string[] };
  HostConfig: {
    ReadonlyRootfs: boolean;
    Tmpfs: Record<string, string> | null;
    CapDrop: string[] | null;
    SecurityOpt: string[] | null;
    Memory: number;
    NanoCpus: number;
    PidsLimit: number | null;
    PortBindings: Record<string, { HostIp: string; HostPort: string }[]> | null;
  };
  NetworkSettings: {
    Networks: Record<string, { IPAddress: string; Gateway: string }>;
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
  };
  State: { Health?: { Status: string }; ExitCode: number };
  RestartCount: number;
}

/** `docker inspect` of one object, parsed; `T` names the parts the caller reads. */
export async function inspect<T = ContainerDetails>(id: string): Promise<T> {
  const { stdout } = await docker(['inspect', id]);
  return (JSON.parse(stdout) as T[])[0];
}

/** Worker process ids of an NGINX container, sorted: a reload replaces every one of them. */
export async function nginxWorkerPids(containerId: string): Promise<string[]> {
  const { stdout } = await docker(['top', containerId, '-o', 'pid,args']);
  return stdout
    .split('\n')
    .filter((line) => line.includes('nginx: worker process'))
    .map((line) => line.trim().split(/\s+/)[0])
    .sort();
}
