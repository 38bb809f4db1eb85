/**
 * The live view under LB_METHOD=sticky in a real browser: it names the method (as NGINX says), this
 * browser stays on one replica across refreshes, and "New client" moves it.
 */
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../harness/chromium';
import { eventually } from '../../harness/http';
import { ComposeStack } from '../../harness/stack';

let stack: ComposeStack;
let chromium: Chromium;

beforeAll(async () => {
  chromium = await launchChromium();
  stack = await ComposeStack.up('lb-sticky-browser', { env: { LB_METHOD: 'sticky' } });
});

afterAll(async () => {
  await chromium?.close();
  await stack?.down();
});

interface PageElement {
  getAttribute(name: string): string | null;
}

/** The hostnames of the live view's bars, once they have at least `answers` answers between them. */
async function barsAfter(page: Page, answers: number): Promise<string[]> {
  return eventually(
    async () => {
      const bars = await page.$$eval('#replicas .replica', (elements: PageElement[]) =>
        elements.map((e) => ({
          hostname: e.getAttribute('data-hostname') ?? '',
          count: Number(e.getAttribute('data-count')),
        })),
      );
      return bars.reduce((sum, bar) => sum + bar.count, 0) >= answers ? bars.map((bar) => bar.hostname) : undefined;
    },
    20_000,
    `${answers} answers drawn`,
  );
}

it('shows sticky, stays on one replica across refreshes, and moves after "New client"', async () => {
  const page = await chromium.context.newPage();
  await page.goto(stack.url('/live'));
  await eventually(async () => ((await page.textContent('#method')) === 'sticky' ? true : undefined), 10_000, 'method');
  expect(await page.textContent('#method-meaning')).toMatch(/^Sticky cookie/);
  // Loading the page itself takes turns (page, styles, scripts): the cookie from the first pins the rest.
  const [pinned] = await barsAfter(page, 10);
  expect(await barsAfter(page, 10)).toEqual([pinned]);
  for (let i = 0; i < 2; i += 1) {
    await page.reload();
    expect(await barsAfter(page, 10)).toEqual([pinned]);
  }

  const seen = new Set([pinned]);
  for (let i = 0; i < 3 && seen.size === 1; i += 1) {
    await page.click('#new-client');
    const bars = await barsAfter(page, 10);
    expect(bars).toHaveLength(1);
    seen.add(bars[0]);
  }
  expect(seen.size).toBeGreaterThan(1);
  await page.close();
});
