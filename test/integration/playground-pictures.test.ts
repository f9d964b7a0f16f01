import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import gachaCog from '../../src/cogs/gacha.js';
import { generateOfflineCatalog, upsertCharacters } from '../../src/core/catalog/index.js';
import { useTestBot } from '../helpers/app.js';
import { backends } from '../helpers/db.js';
import { fund } from './gacha/helpers.js';

// The playground keeps sent pictures in a temp folder, not in the bot's memory (store.ts).
describe.each(backends())('the playground serves sent pictures from its folder, on %s', (backend) => {
  const game = useTestBot(backend, {
    seed: (db) => upsertCharacters(db, generateOfflineCatalog()),
    cogs: [gachaCog],
    timeout: 120_000,
  });

  it('a pull picture is the same JPEG before and after it is written; gone from disk, it is a 404', async () => {
    await fund(game.db, 'viewer', { gems: 1_000 });
    const [reply] = await game.bot.say('viewer', '!pull');
    const url = reply!.attachments[0]!.url;
    const id = url.split('/')[3]!;
    const store = game.bot.app.playground!.store;

    const early = await fetch(game.bot.baseUrl + url);
    expect(early.status).toBe(200);
    expect(early.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await early.arrayBuffer());
    expect(bytes.subarray(0, 3).toString('hex')).toBe('ffd8ff');

    await vi.waitFor(() => expect(store.memoryBytes).toBe(0), { timeout: 5_000 });
    const file = store.file(id)!;
    expect(file.data).toBeUndefined();
    expect(existsSync(file.path!)).toBe(true);
    const late = await fetch(game.bot.baseUrl + url);
    expect(late.status).toBe(200);
    expect(late.headers.get('content-type')).toBe('image/jpeg');
    expect(late.headers.get('cache-control')).toBe('private, max-age=86400');
    expect(Buffer.from(await late.arrayBuffer()).equals(bytes)).toBe(true);

    // Deleted under it (the temp folder was cleaned): the page gets the usual 404, not a 500.
    await rm(file.path!);
    const gone = await fetch(game.bot.baseUrl + url);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: 'That image is no longer kept.' });
    expect((await fetch(`${game.bot.baseUrl}/api/attachments/${'0'.repeat(32)}/pull.jpg`)).status).toBe(404);

    // Stopping the bot deletes the folder.
    const folder = dirname(file.path!);
    await game.bot.app.playground!.store.close();
    expect(existsSync(folder)).toBe(false);
  });
});
