import { describe, expect, it } from 'vitest';
import { CommandScheduler, SchedulerRefusal } from '../../src/commands/scheduler.js';

/** A promise to finish by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CommandScheduler', () => {
  it("runs one player's actions one at a time, in the order they came", async () => {
    const s = new CommandScheduler({ slots: 4, perPlayer: 0, maxWaiting: 0, maxWaitMs: 0 });
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const act = (name: string) =>
      s.run('a', async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        log.push(`start ${name}`);
        await sleep(5);
        log.push(`end ${name}`);
        inFlight--;
        return name;
      });
    const results = await Promise.all([act('1'), act('2'), act('3')]);
    expect(results).toEqual(['1', '2', '3']);
    expect(maxInFlight).toBe(1);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('runs different players side by side, never more than the slots at once', async () => {
    const s = new CommandScheduler({ slots: 3, perPlayer: 0, maxWaiting: 0, maxWaitMs: 0 });
    let inFlight = 0;
    let maxInFlight = 0;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        s.run(`p${i}`, async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await sleep(5);
          inFlight--;
        }),
      ),
    );
    expect(maxInFlight).toBe(3);
    expect(s.stats()).toMatchObject({ running: 0, waiting: 0, players: 0 });
  });

  it("serves players round-robin: one player's deep queue doesn't make a newcomer wait for all of it", async () => {
    const s = new CommandScheduler({ slots: 1, perPlayer: 0, maxWaiting: 0, maxWaitMs: 0 });
    const order: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const act = (player: string, n: number) => {
      const g = gate();
      gates.set(`${player}${n}`, g);
      return s.run(player, async () => {
        order.push(`${player}${n}`);
        await g.promise;
      });
    };
    const all = [act('a', 1), act('a', 2), act('a', 3), act('a', 4)];
    await tick();
    all.push(act('b', 1), act('c', 1));
    await tick();
    expect(order).toEqual(['a1']);
    for (const name of ['a1', 'b1', 'c1', 'a2', 'a3', 'a4']) {
      gates.get(name)!.open();
      await tick();
    }
    await Promise.all(all);
    // a's lane goes to the back after each of its actions; b and c each needed only a1 to finish.
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'a3', 'a4']);
  });

  it("refuses a player's action past the lane's bound at once, without running it", async () => {
    const s = new CommandScheduler({ slots: 2, perPlayer: 3, maxWaiting: 0, maxWaitMs: 0 });
    const g = gate();
    let ran = 0;
    const act = () =>
      s.run('spammer', async () => {
        ran++;
        await g.promise;
      });
    const accepted = [act(), act(), act()];
    await expect(act()).rejects.toMatchObject({ reason: 'queue-full' });
    // Another player is not affected by the spammer's full lane.
    await expect(s.run('other', async () => 'ok')).resolves.toBe('ok');
    g.open();
    await Promise.all(accepted);
    expect(ran).toBe(3);
    expect(s.stats().refused['queue-full']).toBe(1);
    // The lane drained: the player can act again.
    await expect(s.run('spammer', async () => 'again')).resolves.toBe('again');
  });

  it('refuses an action that waits longer than maxWaitMs for a slot as busy; it never runs and the rest carry on', async () => {
    const s = new CommandScheduler({ slots: 1, perPlayer: 0, maxWaiting: 0, maxWaitMs: 40 });
    const g = gate();
    const long = s.run('a', () => g.promise);
    let ran = false;
    const waiting = s.run('b', async () => {
      ran = true;
    });
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchedulerRefusal);
    expect((err as SchedulerRefusal).reason).toBe('busy');
    g.open();
    await long;
    expect(ran).toBe(false);
    expect(s.stats()).toMatchObject({ running: 0, waiting: 0, players: 0, refused: { busy: 1 } });
    await expect(s.run('b', async () => 'later')).resolves.toBe('later');
  });

  it("times the wait from the head of the lane: a player's own backlog doesn't count against it", async () => {
    const s = new CommandScheduler({ slots: 2, perPlayer: 0, maxWaiting: 0, maxWaitMs: 30 });
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        s.run('a', async () => {
          await sleep(20);
          return i;
        }),
      ),
    );
    // 80 ms of work in one lane, each action waited only behind its own lane.
    expect(results).toEqual([0, 1, 2, 3]);
  });

  it('passes errors through and frees the slot and the lane', async () => {
    const s = new CommandScheduler({ slots: 1, perPlayer: 2, maxWaiting: 0, maxWaitMs: 0 });
    await expect(
      s.run('a', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(
      s.run('a', () => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    await expect(s.run('a', async () => 1)).resolves.toBe(1);
    expect(s.stats()).toMatchObject({ running: 0, waiting: 0, players: 0 });
  });

  it('refuses new actions at once as busy while the backlog is at its bound, and takes them again once it shrinks', async () => {
    const s = new CommandScheduler({ slots: 1, perPlayer: 0, maxWaiting: 2, maxWaitMs: 0 });
    const g = gate();
    const running = s.run('a', () => g.promise);
    const waiting = [s.run('b', async () => 'b'), s.run('c', async () => 'c')];
    let ran = false;
    await expect(
      s.run('d', async () => {
        ran = true;
      }),
    ).rejects.toMatchObject({ reason: 'busy' });
    expect(ran).toBe(false);
    expect(s.stats()).toMatchObject({ running: 1, waiting: 2, players: 3, refused: { busy: 1 } });
    g.open();
    await running;
    expect(await Promise.all(waiting)).toEqual(['b', 'c']);
    await expect(s.run('d', async () => 'd')).resolves.toBe('d');
  });

  it('sheds load when the oldest wait passes shedAfterMs: busy players first, then everyone, and takes them again once it drains', async () => {
    const s = new CommandScheduler({ slots: 1, perPlayer: 0, maxWaiting: 0, maxWaitMs: 0, shedAfterMs: 100 });
    const late = (ms: number) => ({ ms, limitMs: 1000 });
    const g = gate();
    const busy = s.run('spammer', () => g.promise);
    // Under the threshold: anyone is taken, the spammer's second command too.
    const queued = s.run('spammer', async () => 'second', { backlog: late(50) });
    // Pictures have waited 150 ms: for an action that would draw, the spammer's third is refused, a newcomer's first is not.
    await expect(s.run('spammer', async () => 'third', { backlog: late(150) })).rejects.toMatchObject({ reason: 'queue-full' });
    const newcomer = s.run('newcomer', async () => 'newcomer', { backlog: late(150) });
    // A newcomer's drawing action is still taken while pictures are late by less than the limit ...
    const patient = s.run('patient', async () => 'patient', { backlog: late(900) });
    // ... and past it nobody's is; one that doesn't wait on pictures still is.
    let ran = false;
    await expect(
      s.run(
        'late',
        async () => {
          ran = true;
        },
        { backlog: late(1100) },
      ),
    ).rejects.toMatchObject({ reason: 'busy' });
    expect(ran).toBe(false);
    const text = s.run('late', async () => 'text');
    expect(s.stats().refused).toEqual({ 'queue-full': 1, busy: 1 });
    g.open();
    expect(await Promise.all([busy, queued, newcomer, patient, text])).toEqual([undefined, 'second', 'newcomer', 'patient', 'text']);
    await expect(s.run('late', async () => 'late', { backlog: late(0) })).resolves.toBe('late');
  });

  it("counts its own ring's oldest wait as backlog; a newcomer is still taken", async () => {
    const s = new CommandScheduler({ slots: 1, perPlayer: 0, maxWaiting: 0, maxWaitMs: 0, shedAfterMs: 20 });
    const g = gate();
    const running = s.run('a', () => g.promise);
    const waiting = s.run('b', async () => 'b');
    await sleep(50); // b has waited > 2 × 20 ms for the one slot
    expect(s.stats().backlogMs).toBeGreaterThanOrEqual(40);
    await expect(s.run('c', async () => 'c')).rejects.toMatchObject({ reason: 'busy' });
    // A newcomer still gets a turn.
    const newcomer = s.run('d', async () => 'd', { newcomer: true });
    g.open();
    expect(await newcomer).toBe('d');
    await running;
    expect(await waiting).toBe('b');
    await expect(s.run('c', async () => 'c')).resolves.toBe('c');
  });

  it('rejects a slot count below 1', () => {
    expect(() => new CommandScheduler({ slots: 0, perPlayer: 0, maxWaiting: 0, maxWaitMs: 0 })).toThrow(RangeError);
  });
});
