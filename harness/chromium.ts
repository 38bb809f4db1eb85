import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): Playwright's own download needs a host this machine cannot reach. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * What Chromium needs on a headless, sandbox-less machine: no sandbox (root in a container), no GPU,
 * and none of the background fetches (updates, sync, first-run) that would reach for the internet.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Real Chromium with a fresh, throw-away profile. Playwright refuses a `--user-data-dir` argument,
 * so the profile is a new temporary directory given to launchPersistentContext, removed on close.
 * A missing browser fails with one line saying how to install it: never a silent skip.
 */
export async function launchChromium(
  viewport = { width: 1100, height: 760 },
  /** More command-line switches, e.g. a certificate pin for the HTTPS test. */
  extraArgs: string[] = [],
): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (bash .ci/run does), or set CHROMIUM_PATH.`,
    );
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    headless: true,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
