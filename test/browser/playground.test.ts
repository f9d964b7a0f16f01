import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../helpers/app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// CI installs Debian's chromium (.ci/run); a developer machine without it skips, with a note.
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium)('the playground page in headless Chromium', () => {
  let bot: TestBot;
  let browser: Browser;

  beforeAll(async () => {
    bot = await startTestBot('pglite');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await bot?.close();
  });

  it('a person types !help and sees the command list; !gems shows a wallet embed', async () => {
    const page = await browser.newPage();
    await page.goto(`${bot.baseUrl}/`);
    await expect(page.title()).resolves.toBe('Stardust playground');
    await page.fill('#username', 'Browser');
    await page.fill('#userid', 'browser-user');
    await page.dispatchEvent('#userid', 'change');
    await page.fill('#input', '!help');
    await page.press('#input', 'Enter');
    await page.waitForSelector('.embed .title:has-text("commands")', { timeout: 10_000 });
    const helpText = await page.locator('.embed').last().textContent();
    expect(helpText).toContain('!help');
    expect(helpText).toContain('!gems');

    await page.fill('#input', '!gems');
    await page.press('#input', 'Enter');
    await page.waitForSelector('.embed .title:has-text("wallet")', { timeout: 10_000 });
    if (process.env.STARDUST_SCREENSHOTS) await page.screenshot({ path: `${process.env.STARDUST_SCREENSHOTS}/playground.png`, fullPage: true });
    await page.close();
  });
});
