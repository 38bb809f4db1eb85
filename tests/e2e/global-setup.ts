import { docker } from '../../harness/docker';
import { repoRoot } from '../../harness/repo';

/**
 * Runs once before the e2e tests: makes sure a Docker engine and Compose v2 answer, then builds
 * the replica's image once for every test stack. Without an engine the suite fails on one clear
 * line; it never skips silently.
 */
export default async function globalSetup(): Promise<void> {
  try {
    await docker(['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 });
  } catch {
    throw new Error(
      'E2E tests need a Docker engine and none answers (`docker info` failed). On Debian, as root: `bash airgap/provision-docker.sh` installs Docker and Compose v2 and starts dockerd.',
    );
  }
  try {
    await docker(['compose', 'version'], { timeoutMs: 15_000 });
  } catch {
    throw new Error(
      'E2E tests need Docker Compose v2 (`docker compose version` failed). `bash airgap/provision-docker.sh` installs it.',
    );
  }
  const started = Date.now();
  await docker(['compose', '--project-directory', repoRoot, 'build', '--quiet', 'server'], { timeoutMs: 900_000 });
  console.log(`\n[e2e] images built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
