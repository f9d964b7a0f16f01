import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PlaygroundStore } from '../../src/platform/playground/store.js';

function image(store: PlaygroundStore, channelId: string, bytes: number) {
  return store.addBotMessage(channelId, { content: 'img', attachments: [{ name: 'a.jpg', data: Buffer.alloc(bytes, 1), contentType: 'image/jpeg' }] });
}

const fileId = (url: string) => url.split('/')[3]!;

describe('playground store memory bounds', () => {
  const folders: string[] = [];
  const parent = () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
    folders.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });
  const settled = (store: PlaygroundStore) => vi.waitFor(() => expect(store.memoryBytes).toBe(0), { timeout: 5_000 });
  const picture = (n: number, size: number) => Buffer.alloc(size, n);

  it('writes sent pictures to a folder of its own and lets go of their bytes; close() deletes the folder', async () => {
    const store = new PlaygroundStore({ parentDir: parent() });
    const sent = Array.from({ length: 5 }, (_, i) =>
      store.addBotMessage('c1', { content: 'img', attachments: [{ name: 'a.jpg', data: picture(i, 100 * 1024), contentType: 'image/jpeg' }] }),
    );
    // Served from memory until written.
    expect(store.memoryBytes).toBe(5 * 100 * 1024);
    expect(store.file(fileId(sent[0]!.attachments[0]!.url))?.data?.equals(picture(0, 100 * 1024))).toBe(true);
    await settled(store);
    const files = sent.map((m) => store.file(fileId(m.attachments[0]!.url))!);
    files.forEach((f, i) => {
      expect(f.data).toBeUndefined();
      expect(f).toMatchObject({ name: 'a.jpg', contentType: 'image/jpeg', size: 100 * 1024 });
      expect(readFileSync(f.path!).equals(picture(i, 100 * 1024))).toBe(true);
    });
    const folder = dirname(files[0]!.path!);
    await store.close();
    expect(existsSync(folder)).toBe(false);
  });

  it('keeps the newest pictures up to its bytes on disk; older ones are gone (404) and their files deleted', async () => {
    const store = new PlaygroundStore({ parentDir: parent(), maxKeptBytes: 1024 * 1024 });
    const sent = [];
    for (let i = 0; i < 20; i++) {
      sent.push(image(store, 'c1', 100 * 1024));
      await settled(store);
    }
    const kept = sent.filter((m) => store.file(fileId(m.attachments[0]!.url)));
    expect(kept).toEqual(sent.slice(10));
    const folder = dirname(store.file(fileId(sent[19]!.attachments[0]!.url))!.path!);
    await vi.waitFor(() => expect(readdirSync(folder)).toHaveLength(10));
    await store.close();
  });

  it('under a burst, holds at most its memory bound of unwritten pictures: the oldest unwritten go first', async () => {
    const store = new PlaygroundStore({ parentDir: parent(), maxUnwrittenBytes: 300 * 1024 });
    // Sent in one go: none can be written before the next is sent.
    const burst = Array.from({ length: 10 }, () => image(store, 'c1', 100 * 1024));
    expect(store.memoryBytes).toBeLessThanOrEqual(300 * 1024);
    expect(burst.filter((m) => store.file(fileId(m.attachments[0]!.url)))).toEqual(burst.slice(7));
    await settled(store);
    const folder = dirname(store.file(fileId(burst[9]!.attachments[0]!.url))!.path!);
    // The dropped ones' files, written or not, are not left behind.
    await vi.waitFor(() =>
      expect(readdirSync(folder).sort()).toEqual(
        burst
          .slice(7)
          .map((m) => fileId(m.attachments[0]!.url))
          .sort(),
      ),
    );
    await store.close();
  });

  it('keeps serving from memory, within its bound, when the folder cannot be written, and says so once', async () => {
    const told: unknown[] = [];
    const blocked = join(parent(), 'a-file');
    writeFileSync(blocked, 'not a folder');
    const store = new PlaygroundStore({ parentDir: blocked, maxUnwrittenBytes: 300 * 1024, onWriteError: (err) => told.push(err) });
    const first = image(store, 'c1', 100 * 1024);
    await vi.waitFor(() => expect(told).toHaveLength(1));
    const later = Array.from({ length: 5 }, () => image(store, 'c1', 100 * 1024));
    await new Promise((r) => setTimeout(r, 50));
    expect(told).toHaveLength(1);
    expect(store.file(fileId(first.attachments[0]!.url))).toBeUndefined();
    expect(later.filter((m) => store.file(fileId(m.attachments[0]!.url))?.data)).toEqual(later.slice(2));
    expect(store.memoryBytes).toBe(300 * 1024);
    await store.close();
  });

  it('keeps the last 500 events of a channel and the last 2,000 of all channels, and forgets messages none of them shows', () => {
    const store = new PlaygroundStore();
    const first = store.addBotMessage('busy', { content: 'first' });
    for (let i = 0; i < 700; i++) store.addBotMessage('busy', { content: `m${i}` });
    expect(store.eventsAfter('busy', 0).events).toHaveLength(500);
    expect(store.get(first.id)).toBeUndefined();

    const early = store.addBotMessage('ch0', { content: 'early' });
    for (let i = 0; i < 3_000; i++) store.addBotMessage(`ch${i % 10}`, { content: `m${i}` });
    const total = ['busy', ...Array.from({ length: 10 }, (_, i) => `ch${i}`)].reduce((n, c) => n + store.eventsAfter(c, 0).events.length, 0);
    expect(total).toBe(2_000);
    // The oldest went first: the quiet-since channel "busy" lost everything, each chN kept its last 200.
    expect(store.eventsAfter('busy', 0).events).toHaveLength(0);
    expect(store.eventsAfter('ch3', 0).events).toHaveLength(200);
    expect(store.get(early.id)).toBeUndefined();
    // A channel that lost its events is still known (announcements go there).
    expect(store.owns('busy')).toBe(true);
  });

  it('keeps a message whose controls can still be pressed after its events are gone, and forgets it once they are disabled', () => {
    const store = new PlaygroundStore();
    const picker = store.addBotMessage('c', { content: 'pick', components: [[{ type: 'button', customId: 'go', label: 'Go' }]] });
    const edited = store.addBotMessage('c', { content: 'edited later' });
    store.editBotMessage(edited.id, { content: 'edited' });
    for (let i = 0; i < 2_100; i++) store.addBotMessage(`other${i % 5}`, { content: `m${i}` });
    expect(store.get(picker.id)?.components[0]).toMatchObject({ customId: 'go', disabled: false });
    // An edited message goes with its last event (its update), not only its first.
    expect(store.get(edited.id)).toBeUndefined();
    // The view expired: its message is edited with the controls disabled, then falls out like any other.
    store.editBotMessage(picker.id, { content: 'pick', components: [[{ type: 'button', customId: 'go', label: 'Go', disabled: true }]] });
    for (let i = 0; i < 2_100; i++) store.addBotMessage(`other${i % 5}`, { content: `m${i}` });
    expect(store.get(picker.id)).toBeUndefined();
  });
});
