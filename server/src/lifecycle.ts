/**
 * Whether this replica should still receive new work. Set once, by the shutdown path;
 * read by the readiness probe and by the middleware that closes keep-alive connections.
 */
export class Lifecycle {
  private drainingSince: number | null = null;

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  startDraining(): void {
    this.drainingSince ??= Date.now();
  }
}
