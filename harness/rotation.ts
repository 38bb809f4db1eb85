import { eventually } from './http';

/**
 * Waits until NGINX at `url` rotates over exactly `count` replicas, all of them among `expected()`
 * (the hostnames the orchestrator says are running), and each one answers.
 */
export async function waitForRotation(
  url: string,
  count: number,
  expected: () => Promise<string[]>,
  timeoutMs: number,
): Promise<void> {
  await eventually(
    async () => {
      const running = new Set(await expected());
      const seen = new Set<string>();
      for (let i = 0; i < count * 3; i += 1) {
        // A new client each time: under LB_METHOD=hash one client id would stay on one replica.
        const headers = { 'X-Client-ID': `rotation-${Math.random().toString(36).slice(2)}` };
        const res = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
        if (res.status !== 200) return undefined;
        seen.add(((await res.json()) as { hostname: string }).hostname);
      }
      return seen.size === count && [...seen].every((h) => running.has(h)) ? true : undefined;
    },
    timeoutMs,
    `NGINX to rotate over ${count} replicas`,
  );
}
