/**
 * A real browser (Debian's Chromium, headless) against the real stack: the identity page rotates
 * one replica per refresh, and the live view draws every replica, follows a scale-up and fades a
 * replica that is gone.
 */
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../harness/chromium';
import { eventually } from '../../harness/http';
import { ComposeStack } from '../../harness/stack';

let stack: ComposeStack;
let chromium: Chromium;

beforeAll(async () => {
  // Chromium first: without it the file fails at once, with one line saying how to install it.
  chromium = await launchChromium();
  stack = await ComposeStack.up('browser');
});

afterAll(async () => {
  await chromium?.close();
  await stack?.down();
});

interface Row {
  hostname: string;
  count: number;
  stale: boolean;
}

/** What the page functions below read of an element: they run in the browser, and Node's tsconfig has no DOM types. */
interface PageElement {
  getAttribute(name: string): string | null;
  classList: { contains(token: string): boolean };
}

/** The live view's bars, as drawn. */
function rows(page: Page): Promise<Row[]> {
  return page.$$eval('#replicas .replica', (elements: PageElement[]) =>
    elements.map((e) => ({
      hostname: e.getAttribute('data-hostname') ?? '',
      count: Number(e.getAttribute('data-count')),
      stale: e.classList.contains('stale'),
    })),
  );
}

/**
 * Resolves once the drawn bars satisfy `check`. Polled from here through Playwright's own channel:
 * page.waitForFunction with a string would need `eval`, which the page's policy rightly forbids.
 */
function untilRows(page: Page, check: (drawn: Row[]) => boolean, timeoutMs: number, what: string) {
  return eventually(async () => (check(await rows(page)) ? true : undefined), timeoutMs, what);
}

/** Resolves once the page draws exactly `count` bars (stale ones included). */
const barsDrawn = (page: Page, count: number, timeoutMs: number) =>
  untilRows(page, (drawn) => drawn.length === count, timeoutMs, `${count} bars`);

interface Problem {
  text: string;
  /** The resource a failed load was for; the page's own URL for script errors. */
  url: string;
}

/**
 * Opens /live, recording every script error and every resource the browser failed or refused to load
 * (CSP, MIME type, 404).
 */
async function openLiveView(): Promise<{ page: Page; problems: Problem[] }> {
  const page = await chromium.context.newPage();
  const problems: Problem[] = [];
  page.on('pageerror', (err) => problems.push({ text: `page error: ${err.message}`, url: page.url() }));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push({ text: message.text(), url: message.location().url });
  });
  await page.goto(stack.url('/live'));
  return { page, problems };
}

describe('identity page in a real browser', () => {
  it('shows the next replica on each of five refreshes, in round-robin order (the favicon takes no turn)', async () => {
    const page = await chromium.context.newPage();
    await page.goto(stack.url('/'));
    const shown = [await page.textContent('#hostname')];
    for (let i = 0; i < 5; i += 1) {
      await page.reload();
      shown.push(await page.textContent('#hostname'));
    }
    await page.close();

    expect(new Set(shown)).toEqual(new Set(await stack.hostnames()));
    shown.forEach((hostname, i) => expect(hostname).toBe(shown[i % 3]));
  });
});

describe('live view in a real browser', () => {
  it('draws a bar per replica and a strip that repeats with period 3, with no script or policy error', async () => {
    const { page, problems } = await openLiveView();
    await barsDrawn(page, 3, 15_000);
    // Let it poll (5 req/s) for a few seconds: every bar grows, and the strip fills.
    await untilRows(
      page,
      (drawn) => drawn.length === 3 && drawn.every((r) => r.count >= 4),
      15_000,
      'every bar at 4 answers',
    );

    const drawn = await rows(page);
    expect(new Set(drawn.map((r) => r.hostname))).toEqual(new Set(await stack.hostnames()));
    expect(drawn.every((r) => !r.stale)).toBe(true);
    const strip = await page.$$eval('#strip .cell', (cells: PageElement[]) =>
      cells.map((c) => c.getAttribute('title')),
    );
    expect(strip.length).toBeGreaterThanOrEqual(12);
    // Only this page's polling reaches the stack now: strict round robin, visible in the colours.
    strip.forEach((hostname, i) => expect(hostname).toBe(strip[i % 3]));
    expect(await page.textContent('#errors')).toBe('0');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('stops polling on Pause, and polls no faster than the rate chosen', async () => {
    const { page } = await openLiveView();
    await barsDrawn(page, 3, 15_000);
    const sent = async () => Number(await page.textContent('#sent'));

    await page.click('#pause');
    expect(await page.textContent('#pause')).toBe('Resume');
    await page.waitForTimeout(500); // the request in flight, if any, lands
    const paused = await sent();
    await page.waitForTimeout(2_000);
    expect(await sent()).toBe(paused);

    // Slider to 1 req/s: in 3 s, at most 4 requests (one at once, then one a second).
    await page.fill('#rate-input', '0');
    expect(await page.textContent('#rate-label')).toBe('1 req/s');
    await page.click('#pause');
    const resumed = await sent();
    await page.waitForTimeout(3_000);
    const polled = (await sent()) - resumed;
    expect(polled).toBeGreaterThanOrEqual(1);
    expect(polled).toBeLessThanOrEqual(4);
    await page.close();
  });

  it('shows a fourth replica after --scale on its own, and fades the one scaled away', async () => {
    const { page, problems } = await openLiveView();
    await barsDrawn(page, 3, 15_000);
    const before = new Set(await stack.hostnames());

    await stack.compose(['up', '--detach', '--no-build', '--no-recreate', '--wait', '--scale', 'server=4']);
    // NGINX re-resolves every 5 s; the page needs no reload.
    await barsDrawn(page, 4, 30_000);
    const added = (await rows(page)).map((r) => r.hostname).filter((h) => !before.has(h));
    expect(added).toHaveLength(1);

    await stack.compose(['up', '--detach', '--no-build', '--no-recreate', '--wait', '--scale', 'server=3']);
    const remaining = new Set(await stack.hostnames());
    await untilRows(page, (drawn) => drawn.filter((r) => r.stale).length === 1, 30_000, 'one stale bar');
    const drawn = await rows(page);
    expect(drawn.filter((r) => r.stale).map((r) => r.hostname)).toEqual(
      drawn.map((r) => r.hostname).filter((h) => !remaining.has(h)),
    );
    expect(drawn).toHaveLength(4);
    // A poll that failed while a replica left is NGINX's failover (stack.test.ts asserts it);
    // here, only the page counts.
    expect(problems.filter((p) => !p.url.endsWith('/api/whoami'))).toEqual([]);
    await page.close();
  });
});
