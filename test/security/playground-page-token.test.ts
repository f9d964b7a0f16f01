import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import help from '../../src/cogs/help.js';
import { startTestBot, type TestBot } from '../helpers/app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'page-token-7d1c0a9e4b3f28e6';

/** The page of a token-guarded playground: it asks once, keeps the token in the tab, and plays. */
describe.skipIf(!existsSync(CHROMIUM))('the playground page with PLAYGROUND_TOKEN', () => {
  let bot: TestBot;
  let browser: Browser;

  beforeAll(async () => {
    bot = await startTestBot('pglite', { cogs: [help], env: { PLAYGROUND_TOKEN: TOKEN } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });

  afterAll(async () => {
    await browser?.close();
    await bot?.close();
  });

  it('asks for the token once, sends it as a bearer token and keeps it for the tab', async () => {
    const page = await browser.newPage();
    const prompts: string[] = [];
    page.on('dialog', (d) => {
      prompts.push(d.message());
      void d.accept(TOKEN);
    });
    const authHeaders: Array<string | undefined> = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/messages')) authHeaders.push(r.headers().authorization);
    });
    await page.goto(`${bot.baseUrl}/`);
    await page.fill('#input', '!help');
    await page.press('#input', 'Enter');
    await page.waitForSelector('.embed .title:has-text("commands")', { timeout: 10_000 });
    expect(prompts).toEqual(['This playground is protected. Enter its PLAYGROUND_TOKEN:']);
    expect(authHeaders.at(-1)).toBe(`Bearer ${TOKEN}`);
    expect(await page.evaluate(() => sessionStorage.getItem('sd-token'))).toBe(TOKEN);
    // A reload in the same tab doesn't ask again.
    await page.reload();
    await page.fill('#input', '!help');
    await page.press('#input', 'Enter');
    await page.waitForSelector('.embed .title:has-text("commands")', { timeout: 10_000 });
    expect(prompts).toHaveLength(1);
    await page.close();
  });
});
