/**
 * `npm run screenshot [-- --url http://localhost] [--live working.png]`: real Chromium against the real stack,
 * saving screenshots/identity.png (the page at /) and screenshots/<--live> (the live view after some
 * traffic; e.g. `--live live-sticky.png` against a stack started with LB_METHOD=sticky). Without --url it
 * builds the image and brings up its own stack (compose project rrtest-<name>, on a free port), and takes
 * it down afterwards.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { docker } from '../../harness/docker';
import { eventually } from '../../harness/http';
import { ComposeStack } from '../../harness/stack';
import { launchChromium } from '../../harness/chromium';
import { repoRoot } from '../../harness/repo';

const outDir = path.join(repoRoot, 'screenshots');
/** Polls the live view makes before the picture: the strip (30) is full and the bars have settled. */
const LIVE_POLLS = 60;

async function ownStack(name: string): Promise<ComposeStack> {
  console.log('building the image and bringing up a stack ...');
  const compose = (...args: string[]) =>
    docker(['compose', '--project-directory', repoRoot, ...args], { timeoutMs: 900_000 });
  await compose('build', '--quiet', 'server');
  try {
    return await ComposeStack.up(name);
  } catch (err) {
    // A stack that came up but never rotated is still running: take it down before giving up.
    await compose('--project-name', `rrtest-${name}`, 'down', '--timeout', '5');
    throw err;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      name: { type: 'string', default: 'screenshot' },
      live: { type: 'string', default: 'working.png' },
    },
  });
  const stack = values.url === undefined ? await ownStack(values.name) : undefined;
  const base = values.url ?? stack!.url();
  // Short viewport: the full-page picture is then exactly as tall as the page.
  const chromium = await launchChromium({ width: 1100, height: 560 });
  try {
    const page = await chromium.context.newPage();
    await page.goto(new URL('/', base).href);
    await page.screenshot({ path: path.join(outDir, 'identity.png') });
    console.log(`saved screenshots/identity.png (${await page.textContent('#hostname')})`);

    // Bars drawn at their current width, not mid-transition.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(new URL('/live', base).href);
    // Polled from here: a string predicate would need `eval`, which the page's policy forbids.
    await eventually(
      async () => (Number(await page.textContent('#sent')) >= LIVE_POLLS ? true : undefined),
      60_000,
      `${LIVE_POLLS} polls`,
    );
    await page.screenshot({ path: path.join(outDir, path.basename(values.live)), fullPage: true });
    console.log(`saved screenshots/${path.basename(values.live)} (${LIVE_POLLS} polls)`);
  } finally {
    await chromium.close();
    await stack?.down();
  }
}

main().catch((err: unknown) => {
  console.error(`screenshot: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
