import { probe, type Outcome } from '../shared/probe.js';

/**
 * Polls at `ratePerSecond`, one request at a time: a slow answer delays the next one instead of
 * piling requests up, so the page never loads the stack more than the rate shown.
 */
export class Poller {
  private ratePerSecond: number;
  private running = false;
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    initialRate: number,
    private readonly onOutcome: (outcome: Outcome) => void,
  ) {
    this.ratePerSecond = initialRate;
  }

  get paused(): boolean {
    return !this.running;
  }

  setRate(perSecond: number): void {
    this.ratePerSecond = perSecond;
  }

  start(): void {
    this.running = true;
    if (!this.inFlight && this.timer === undefined) void this.tick();
  }

  pause(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.inFlight = true;
    const started = performance.now();
    const outcome = await probe(this.url, this.timeoutMs);
    this.inFlight = false;
    this.onOutcome(outcome);
    if (!this.running) return;
    const wait = Math.max(0, started + 1000 / this.ratePerSecond - performance.now());
    this.timer = setTimeout(() => void this.tick(), wait);
  }
}
