import { probe, type Outcome } from '../../server/shared/probe';
import type { VerifyOptions } from './options';
import type { Progress } from './progress';

/**
 * Sends `requests` GETs, `concurrency` at a time, and returns the outcomes in the order they were
 * sent. If the very first request fails, nothing more is sent: a stack that is down should fail
 * the check in one timeout, not in `requests` of them.
 */
export async function sendRequests(
  options: Pick<VerifyOptions, 'target' | 'requests' | 'concurrency' | 'timeoutMs'>,
  progress: Progress,
): Promise<Outcome[]> {
  const first = await probe(options.target, options.timeoutMs);
  const outcomes: Outcome[] = [first];
  if (first.error !== null) return outcomes;

  let next = 1;
  let done = 1;
  let failed = 0;
  progress.update(done, failed);
  async function worker(): Promise<void> {
    while (next < options.requests) {
      const index = next;
      next += 1;
      const outcome = await probe(options.target, options.timeoutMs);
      outcomes[index] = outcome;
      done += 1;
      if (outcome.error !== null) failed += 1;
      progress.update(done, failed);
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.requests) }, worker));
  return outcomes;
}
