import { describe, expect, it } from 'vitest';
import { Gate } from '../../src/core/gate.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Gate', () => {
  it('lets at most `size` in at once, the rest in arrival order', async () => {
    const gate = new Gate(2);
    let inside = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gate.run(async () => {
          started.push(i);
          most = Math.max(most, ++inside);
          await sleep(5);
          inside--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(gate.stats()).toEqual({ inside: 0, waiting: 0 });
  });

  it('gives the room back when the holder throws', async () => {
    const gate = new Gate(1);
    await expect(
      gate.run(async () => {
        throw new Error('render failed');
      }),
    ).rejects.toThrow('render failed');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
    expect(gate.stats()).toEqual({ inside: 0, waiting: 0 });
  });

  it('tells how long the first in line has waited', async () => {
    const gate = new Gate(1);
    expect(gate.oldestWaitMs()).toBe(0);
    let open!: () => void;
    const holder = gate.run(() => new Promise<void>((r) => (open = r)));
    const waiter = gate.run(async () => 'drawn');
    await sleep(30);
    expect(gate.oldestWaitMs()).toBeGreaterThanOrEqual(25);
    open();
    await holder;
    expect(await waiter).toBe('drawn');
    expect(gate.oldestWaitMs()).toBe(0);
  });

  it('refuses a size below 1', () => {
    expect(() => new Gate(0)).toThrow(RangeError);
  });
});
