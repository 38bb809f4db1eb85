import type { Request } from 'express';
import { HttpError } from './errors';

/** The longest `?delay=` a request may ask for: well inside NGINX's proxy_read_timeout (5 s). */
export const MAX_DELAY_MS = 2_000;

/** Delayed requests one replica holds at once; more get a 503 (and NGINX tries another replica). */
const MAX_DELAYED_IN_FLIGHT = 256;

const HOSTNAME = /^[A-Za-z0-9.-]{1,64}$/;

/**
 * A slow replica on demand, so the balancing methods can be told apart (docs/balancing.md):
 * `GET /api/whoami?delay=ms` answers after `ms` (0 to MAX_DELAY_MS), and with `&delay_on=<hostname>` only
 * when that replica answers, the others at once. Bounded three ways: the cap, MAX_DELAYED_IN_FLIGHT, and
 * NGINX's rate limit, which counts these requests like any other.
 */
export class SlowRequests {
  private inFlight = 0;

  constructor(private readonly hostname: string) {}

  /** The delay `req` asks of this replica, 0 when none; a 400 HttpError for a malformed request. */
  delayFor(req: Request): number {
    const { delay, delay_on: delayOn } = req.query;
    if (delay === undefined) {
      if (delayOn !== undefined) throw new HttpError(400, 'bad_request', 'delay_on needs delay');
      return 0;
    }
    if (typeof delay !== 'string' || !/^\d{1,5}$/.test(delay) || Number(delay) > MAX_DELAY_MS) {
      throw new HttpError(400, 'bad_request', `delay must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`);
    }
    if (delayOn !== undefined && (typeof delayOn !== 'string' || !HOSTNAME.test(delayOn))) {
      throw new HttpError(400, 'bad_request', 'delay_on must be a replica hostname (1-64 letters, digits, "." or "-")');
    }
    return delayOn === undefined || delayOn === this.hostname ? Number(delay) : 0;
  }

  /** Runs `answer` after `delayMs`, or a 503 HttpError when this replica already holds too many delayed requests. */
  after(delayMs: number, answer: () => void): void {
    if (delayMs === 0) {
      answer();
      return;
    }
    if (this.inFlight >= MAX_DELAYED_IN_FLIGHT) {
      throw new HttpError(
        503,
        'too_many_delayed',
        `This replica already holds ${MAX_DELAYED_IN_FLIGHT} delayed requests`,
      );
    }
    this.inFlight += 1;
    setTimeout(() => {
      this.inFlight -= 1;
      answer();
    }, delayMs);
  }
}
