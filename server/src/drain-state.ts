/**
 * Whether this replica is draining (should get no new work). Set once, by the shutdown path;
 * read by the readiness probe and by the middleware that closes keep-alive connections.
 */
export class DrainState {
  private started = false;

  get draining(): boolean {
    return this.started;
  }

  startDraining(): void {
    this.started = true;
  }
}
