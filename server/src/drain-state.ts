/**
 * Where this replica is in its shutdown. Set by the shutdown path; read by the readiness probe, the
 * middleware that closes keep-alive connections and the one that hands safe requests off to NGINX.
 */
export class DrainState {
  private phase: 'serving' | 'draining' | 'handing-off' = 'serving';

  /** Should get no new work: readiness is 503, every response closes its connection. */
  get draining(): boolean {
    return this.phase !== 'serving';
  }

  /** Answers GET and HEAD with 503, so NGINX retries them elsewhere and stops sending here. */
  get handingOff(): boolean {
    return this.phase === 'handing-off';
  }

  startDraining(): void {
    if (this.phase === 'serving') this.phase = 'draining';
  }

  startHandingOff(): void {
    this.phase = 'handing-off';
  }
}
