import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../src/core/catalog/index.js';
import { startTestBot, type TestBot } from '../helpers/app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// CI installs Debian's chromium (.ci/run); a developer machine without it skips, with a note.
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium)('the playground page in headless Chromium', () => {
  let bot: TestBot;
  let browser: Browser;

  beforeAll(async () => {
    bot = await startTestBot('pglite');
    await upsertCharacters(bot.tdb.db, generateOfflineCatalog());
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

  /** A page for a new player in a small window (so the log scrolls), in a fixed locale and time zone. */
  async function open(userId: string) {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'UTC', viewport: { width: 1000, height: 520 } });
    const page = await context.newPage();
    await page.addInitScript((id) => {
      localStorage.setItem('sd-id', id);
      localStorage.setItem('sd-name', id);
    }, userId);
    await page.goto(`${bot.baseUrl}/`);
    return { page, close: () => context.close() };
  }
  const placeholder = (page: import('playwright-core').Page) => page.getAttribute('#input', 'placeholder');
  const say = async (page: import('playwright-core').Page, text: string) => {
    await page.fill('#input', text);
    await page.press('#input', 'Enter');
  };

  it('the input hint follows what the player can do next: !starter, then ways to earn, then !pull 10 once it is affordable', async () => {
    const { page, close } = await open('hint-user');
    await expect.poll(() => placeholder(page), { timeout: 10_000 }).toMatch(/try !starter, !help$/);
    await expect(page.textContent('#slash-hint')).resolves.toBe('typing /starter runs it as a slash command');

    await say(page, '!starter');
    await page.waitForSelector('.embed .title:has-text("starter pack")', { timeout: 15_000 });
    // 10 units and 500 gems (the First Contact badge): no pull is affordable, so the hint points at earning.
    await expect.poll(() => placeholder(page), { timeout: 10_000 }).toMatch(/try !checkin, !battle easy, !tasks, !help · you have 500 💎$/);
    expect(await placeholder(page)).not.toContain('!pull');

    await say(page, '!checkin');
    await expect.poll(() => placeholder(page), { timeout: 10_000 }).toMatch(/try !pull, !battle easy, !story 1-1, !help · you have 2,000 💎$/);

    await bot.tdb.db.query('UPDATE players SET gems = 12000 WHERE id = $1', ['hint-user']);
    await say(page, '!gems');
    await expect.poll(() => placeholder(page), { timeout: 10_000 }).toMatch(/try !pull 10, .* you have 12,000 💎$/);
    await expect(page.textContent('#slash-hint')).resolves.toBe('typing /pull 10 runs it as a slash command');
    // And the slash form it mentions runs.
    await say(page, '/pull 10');
    await page.waitForSelector('.embed .title:has-text("10-pull")', { timeout: 15_000 });
    await expect.poll(() => placeholder(page), { timeout: 10_000 }).toMatch(/you have 2,000 💎$/);
    await close();
  });

  it("the hint names commands with the server's prefix, and with the default in DMs", async () => {
    await bot.app.services.prefixes.set('playground', '?', 'test', new Date());
    try {
      const { page, close } = await open('prefix-user');
      await expect.poll(() => placeholder(page), { timeout: 10_000 }).toMatch(/try \?starter, \?help$/);
      await expect(page.textContent('#slash-hint')).resolves.toBe('typing /starter runs it as a slash command');
      await page.click('.channel[data-channel="dm"]');
      await expect.poll(() => placeholder(page), { timeout: 10_000 }).toMatch(/try !starter, !help$/);
      await close();
    } finally {
      await bot.app.services.prefixes.set('playground', null, 'test', new Date());
    }
  });

  it('the log stays at the bottom after an image loads, unless the reader scrolled up', async () => {
    const { page, close } = await open('scroll-user');
    for (const c of ['!help', '!gems', '!help']) await say(page, c);
    await say(page, '!starter');
    await page.waitForSelector('.embed .title:has-text("starter pack")', { timeout: 15_000 });
    // Wait for the picture to arrive and lay out.
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('#log img')].some((i) => i.complete && i.naturalHeight > 0), null, {
      timeout: 15_000,
    });
    const gap = () =>
      page.evaluate(() => {
        const log = document.querySelector('#log')!;
        return log.scrollHeight - log.scrollTop - log.clientHeight;
      });
    await expect.poll(gap, { timeout: 5_000 }).toBeLessThan(2);
    const img = page.locator('#log img').last();
    const box = await img.boundingBox();
    const input = await page.locator('#input').boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(input!.y);

    // Scrolled up to read: another player's reply and its picture don't pull the reader down.
    await page.evaluate(() => {
      document.querySelector('#log')!.scrollTop = 0;
    });
    await page.waitForTimeout(100);
    const images = await page.locator('#log img').count();
    await bot.post('/api/messages', { userId: 'neighbour', username: 'neighbour', channelId: 'playground', guildId: 'playground', content: '!starter' });
    await page.waitForFunction(
      (n) => {
        const imgs = [...document.querySelectorAll<HTMLImageElement>('#log img')];
        return imgs.length > n && imgs.every((i) => i.complete);
      },
      images,
      { timeout: 15_000 },
    );
    expect(await page.evaluate(() => document.querySelector('#log')!.scrollTop)).toBe(0);
    // Sending a command brings the reader back to the bottom.
    await say(page, '!gems');
    await page.waitForSelector('.embed .title:has-text("scroll-user\'s wallet")', { timeout: 10_000 });
    await expect.poll(gap, { timeout: 5_000 }).toBeLessThan(2);

    // The scroll event a send causes lands a frame later. A picture that learns its size in that
    // frame (before it has finished loading) grows the log under it; that is not the reader
    // scrolling up, and the reply still comes into view.
    await page.evaluate(() => {
      document.querySelector('#log')!.scrollTop = 0;
    });
    await page.waitForTimeout(100);
    await page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('#input')!;
      input.value = '!gems';
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
      const grown = document.createElement('div');
      grown.style.height = '600px';
      document.querySelector('#log')!.appendChild(grown);
    });
    await expect.poll(() => page.locator('.embed .title:has-text("scroll-user\'s wallet")').count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(gap, { timeout: 5_000 }).toBeLessThan(2);
    await close();
  });

  it('renders Discord timestamps as Discord does, in every style', async () => {
    const { page, close } = await open('time-user');
    const now = new Date((await bot.get('/api/clock')).json.now).getTime();
    const inTwoHours = Math.floor(now / 1000) + 2 * 3600 + 30;
    const t = 1618953630; // Tuesday 20 April 2021, 21:20:30 UTC
    await say(page, `times <t:${t}:t>|<t:${t}:T>|<t:${t}:d>|<t:${t}:D>|<t:${t}:f>|<t:${t}:F>|<t:${t}>|<t:${inTwoHours}:R>|<t:${t}:R>`);
    await page.waitForSelector('.msg .content:has-text("times")', { timeout: 10_000 });
    const shown = await page.locator('.msg .content', { hasText: 'times' }).last().textContent();
    expect(shown).toBe(
      'times 21:20|21:20:30|20/04/2021|20 April 2021|20 April 2021 21:20|Tuesday, 20 April 2021 21:20|20 April 2021 21:20|in 2 hours|' +
        `${Math.round((now / 1000 - t) / 86400 / 365.25)} years ago`,
    );
    expect(shown).not.toContain('<t:');
    // A backslash shows markdown characters as typed (names are escaped that way), as on Discord.
    await say(page, 'names \\*Kiri\\* and **bold**');
    await page.waitForSelector('.msg .content:has-text("names")', { timeout: 10_000 });
    const names = page.locator('.msg .content', { hasText: 'names' }).last();
    await expect(names.textContent()).resolves.toBe('names *Kiri* and bold');
    await expect(names.locator('b').textContent()).resolves.toBe('bold');
    await expect(names.locator('i').count()).resolves.toBe(0);
    // The full date on hover, as on Discord.
    await expect(page.locator('.ts').first().getAttribute('title')).resolves.toBe('Tuesday, 20 April 2021 21:20');
    // Bot replies use them too (the check-in's reset time: up to 24 h away, so "in a day" from 22 h, as on Discord).
    await say(page, '!checkin');
    await say(page, '!checkin');
    await page.waitForSelector('.embed .desc:has-text("already checked in")', { timeout: 10_000 });
    await expect(page.locator('.embed .desc', { hasText: 'already checked in' }).last().textContent()).resolves.toMatch(
      /\((in (a few seconds|a minute|\d+ minutes|an hour|\d+ hours|a day))\)/,
    );
    await close();
  });

  it('has a favicon, so the browser asks for no /favicon.ico', async () => {
    const { page, close } = await open('icon-user');
    const href = await page.getAttribute('link[rel="icon"]', 'href');
    expect(href).toMatch(/^data:image\/svg\+xml,/);
    const ok = await page.evaluate((h) => {
      const svg = decodeURIComponent(h!.slice('data:image/svg+xml,'.length));
      const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      return doc.documentElement.nodeName === 'svg' && !doc.querySelector('parsererror');
    }, href);
    expect(ok).toBe(true);
    const asked = await page.evaluate(async () => (await fetch('/favicon.ico')).status);
    expect(asked).toBe(404); // nothing serves it, and nothing needs to: the page names its icon
    await close();
  });
});
