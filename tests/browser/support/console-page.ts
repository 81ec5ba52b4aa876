import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

/** Generous: the browser tests share a busy 2-core machine with the gateway and its simulators. */
export const UI_TIMEOUT = 20_000;

/**
 * Builds the console into ui/dist (a no-op when it is up to date), as `npm start` does. Vite refuses
 * to build while another build of the project runs (another test file, `npm start`): then wait for
 * it and try again, by which time the other build has usually made this one a no-op.
 */
export async function buildUi(attempts = 10): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync(process.execPath, [path.resolve(__dirname, '../../../ui/build.mjs')], { stdio: 'pipe' });
      return;
    } catch (error: any) {
      const output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
      if (attempt >= attempts || !/another Vite build process/i.test(output)) {
        throw new Error(`ui/build.mjs failed:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}

/** A fresh page (own sessionStorage) opened on the console with a `#token=` sign-in link. */
export async function openConsole(
  browser: Browser,
  gatewayUrl: string,
  token?: string,
  viewport = { width: 1280, height: 900 },
): Promise<Page> {
  // A fixed locale and zone, so times read the same on every machine.
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  await page.goto(token ? `${gatewayUrl}/#token=${encodeURIComponent(token)}` : `${gatewayUrl}/`);
  return page;
}

/** Closes the page's own context (its storage goes with it). */
export const closePage = (page: Page) => page.context().close();

/** The card of one provider, e.g. `card(page, 'SHOPIFY')`. */
export const card = (page: Page, provider: string) => page.locator(`article[data-provider="${provider}"]`);
