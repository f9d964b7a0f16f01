import { describe, expect, it } from 'vitest';
import { PlaygroundStore } from '../../src/platform/playground/store.js';

const MB = 1024 * 1024;

function image(store: PlaygroundStore, channelId: string, bytes: number) {
  return store.addBotMessage(channelId, { content: 'img', attachments: [{ name: 'a.png', data: Buffer.alloc(bytes, 1), contentType: 'image/png' }] });
}

const fileId = (url: string) => url.split('/')[3]!;

describe('playground store memory bounds', () => {
  it('keeps 30 s of sent images up to 64 MB, then the last 16 MB; older ones are gone (404), the newest served', () => {
    let now = 1_000_000;
    const store = new PlaygroundStore(() => now);
    const kept = (sent: ReturnType<typeof image>[]) => sent.filter((m) => store.file(fileId(m.attachments[0]!.url)));
    // A burst: 100 images of 1 MB at once — the last 64 MB are there to fetch.
    const burst = Array.from({ length: 100 }, () => image(store, 'c1', MB));
    expect(kept(burst).length).toBe(64);
    expect(kept(burst)).toEqual(burst.slice(36));
    // Half a minute later, with nothing sent since, they are down to the last 16 MB.
    now += 31_000;
    store.pruneFiles();
    expect(kept(burst)).toEqual(burst.slice(84));
    // Quiet use: up to 16 MB stays however old it is.
    now += 3_600_000;
    store.pruneFiles();
    expect(kept(burst)).toHaveLength(16);
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
