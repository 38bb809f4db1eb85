import os from 'node:os';
import type { Request } from 'express';

/** What a replica says about itself: the answer that makes the rotation visible. */
export interface Identity {
  hostname: string;
  version: string;
  requestId: string | null;
  /** The client as NGINX saw it (trust proxy = one hop), not whatever the client claimed. */
  clientIp: string | undefined;
  /** How the client reached NGINX: `https` or `http` (X-Forwarded-Proto, trusted one hop like clientIp). */
  protocol: string;
  uptimeSeconds: number;
  /** Identity requests this replica has answered since it started. */
  requestsServed: number;
}

export class IdentityReporter {
  private readonly hostname = os.hostname();
  private readonly startedAt = Date.now();
  private served = 0;

  constructor(private readonly version: string) {}

  /** Counts one more identity request served and returns what to answer it with. */
  answer(req: Request, requestId: string | null): Identity {
    this.served += 1;
    return {
      hostname: this.hostname,
      version: this.version,
      requestId,
      clientIp: req.ip,
      protocol: req.protocol,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      requestsServed: this.served,
    };
  }
}
