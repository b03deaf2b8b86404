/**
 * What the portal specs share to look at pages: screenshots at 1366 and 390 px (a page that is
 * wider than a phone fails), and a browser of one's own per person.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Browser, type Page, type TestInfo } from '@playwright/test';

/**
 * The page at 1366 and 390 px, full height, into `folder` (RAYON_SCREENSHOTS, else the spec's
 * own folder under /tmp); with `testInfo`, also attached to the test (`testId`: only that element).
 */
export async function shoot(
  page: Page,
  name: string,
  o: { folder: string; testInfo?: TestInfo; testId?: string },
): Promise<void> {
  const folder = process.env.RAYON_SCREENSHOTS ?? o.folder;
  mkdirSync(folder, { recursive: true });
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    if (o.testInfo) {
      const path = o.testInfo.outputPath(`${name}-${width}.png`);
      if (o.testId) await page.getByTestId(o.testId).screenshot({ path });
      else await page.screenshot({ path, fullPage: true });
      await o.testInfo.attach(`${name}-${width}`, { path, contentType: 'image/png' });
    }
    await page.screenshot({ path: join(folder, `${name}-${width}.png`), fullPage: true });
    // Nothing sticks out sideways on a phone.
    if (width === 390) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} is wider than the screen at 390 px`).toBeLessThanOrEqual(0);
    }
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** A browser of one's own (one person, one session), dialogs accepted. */
export async function person(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}
