import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Browser tests drive Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it) through
 * playwright-core: no browser is downloaded. Where it is missing (a bare clone) the browser tests
 * are skipped with a note saying how to run them.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM_PATH);
/**
 * `BROWSER_TESTS=off` skips them: `.ci/run` runs them in its first pass (the embedded engine) and not
 * again on PostgreSQL, where the same pages would drive the same GraphQL API a second time.
 */
const browserTestsOff = process.env.BROWSER_TESTS === 'off';

/** Screenshots of every browser test land here (README, "Browser tests"). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../../test-results/screenshots');

/** `describe` when Chromium is installed, `describe.skip` with a note otherwise. */
export const describeInBrowser: jest.Describe =
  hasChromium && !browserTestsOff
    ? describe
    : (((name: string, fn: () => void) => {
        const why = browserTestsOff
          ? 'BROWSER_TESTS=off'
          : `no Chromium at ${CHROMIUM_PATH}; apt-get install chromium`;
        describe.skip(`${name} (skipped: ${why})`, fn);
      }) as jest.Describe);

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Containers run tests as root, where Chromium's sandbox cannot start; /dev/shm is small there.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** Saves a full-page screenshot named after the test file and step, e.g. `console-connect.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
