import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../../src/app.js';
import { testConfig } from '../../../src/config.js';
import { syncState } from '../../../src/core/catalog/sync.js';
import { createLogger } from '../../../src/log.js';
import type { PlaygroundMessage } from '../../../src/platform/playground/store.js';
import { FakeAniList } from '../../fakes/anilist.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';

const OWNER = '72000000';

/**
 * The boot sync and an owner's !catalog_sync write the same progress row, so
 * they take one lease: whichever starts second is turned away while the
 * other runs, and no AniList page is fetched by two syncs.
 */
describe.each(backends())('one catalog sync at a time (%s)', (backend) => {
  let tdb: TestDb | undefined;
  let fake: FakeAniList | undefined;
  let app: App | undefined;
  afterEach(async () => {
    await app?.stop();
    await fake?.close();
    await tdb?.close();
  });

  async function boot(total: number, delayMs: number): Promise<{ logs: string[] }> {
    tdb = await openTestDb(backend);
    fake = await FakeAniList.start({ total });
    fake.delayMs = delayMs;
    const logs: string[] = [];
    const log = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line).msg as string) });
    const config = testConfig({ STARDUST_OFFLINE: '0', ANILIST_URL: fake.url, ANILIST_REQUESTS_PER_MINUTE: '0', OWNER_IDS: OWNER });
    app = await createApp({ config, db: tdb.db, log });
    return { logs };
  }
  const ownerSync = async (limit: number) => {
    const replies: PlaygroundMessage[] = await app!.playground!.postMessage({
      userId: OWNER,
      username: 'owner',
      channelId: 'ops',
      guildId: 'g',
      content: `!catalog_sync ${limit}`,
    });
    return JSON.stringify(replies.map((r) => r.embeds.map((e) => e.description)));
  };
  const finished = async () => {
    const until = Date.now() + 30_000;
    while (!(await syncState(tdb!.db))?.completed && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(await syncState(tdb!.db)).toMatchObject({ completed: true });
    expect((await tdb!.db.query('SELECT 1 FROM job_leases WHERE name = $1', ['catalog_sync'])).rowCount).toBe(0);
  };
  const pagesFetched = () => fake!.requests.filter((r) => r.variables.perPage === 50).map((r) => Number(r.variables.page));

  it('an owner’s sync started during boot keeps the lease; the boot sync stands aside', async () => {
    // Each AniList answer takes 0.8 s: the boot sync is still asking whether AniList is there.
    const { logs } = await boot(300, 800);
    expect(await ownerSync(300)).toContain('Catalog sync started');
    await finished();
    const until = Date.now() + 10_000;
    while (!logs.includes('another catalog sync is running; this boot leaves it to finish') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(logs).toContain('another catalog sync is running; this boot leaves it to finish');
    expect(pagesFetched().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  }, 60_000);

  it('an owner’s sync while the boot sync runs is refused, and nothing is fetched twice', async () => {
    await boot(2000, 150);
    const until = Date.now() + 10_000;
    while (pagesFetched().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(await ownerSync(300)).toContain('A catalog sync is already running');
    await finished();
    const pages = pagesFetched();
    expect(new Set(pages).size).toBe(pages.length);
  }, 60_000);
});
