import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { GuildPrefixCache, getGuildPrefix, setGuildPrefix, validatePrefix } from '../../../src/core/guilds.js';
import { claimJobRun, dayKey, every, hourKey, jobRan, pruneJobRuns, runOnce } from '../../../src/core/jobs.js';
import { backends, openTestDb, type TestDb } from '../../helpers/db.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('period keys', () => {
  it('hourKey and dayKey are UTC', () => {
    const d = new Date('2025-03-09T23:59:59.999Z');
    expect(hourKey(d)).toBe('2025-03-09T23');
    expect(dayKey(d)).toBe('2025-03-09');
    expect(hourKey(new Date('2025-03-10T00:00:00Z'))).toBe('2025-03-10T00');
  });
});

describe('every()', () => {
  it('runs right away when asked, skips ticks while a run is going, and stop() waits for it', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let finished = 0;
    const job = every(
      2,
      async () => {
        active++;
        runs++;
        maxActive = Math.max(maxActive, active);
        await sleep(30);
        active--;
        finished++;
      },
      { name: 't', immediately: true },
    );
    expect(runs).toBe(1);
    await sleep(80);
    await job.stop();
    expect(maxActive).toBe(1);
    expect(finished).toBe(runs);
    const after = runs;
    await sleep(20);
    expect(runs).toBe(after);
  });

  it('logs a failing run and keeps going', async () => {
    const errors: unknown[] = [];
    const log = { error: (o: unknown) => errors.push(o) } as unknown as import('../../../src/log.js').Logger;
    let n = 0;
    const job = every(
      2,
      async () => {
        n++;
        throw new Error('boom');
      },
      { name: 'failing', log },
    );
    await sleep(40);
    await job.stop();
    expect(n).toBeGreaterThan(1);
    expect(errors.length).toBe(n);
  });
});

describe('validatePrefix', () => {
  it('accepts symbols and short words, refuses what would break commands', () => {
    expect(validatePrefix('?')).toBe('?');
    expect(validatePrefix(' s! ')).toBe('s!');
    expect(validatePrefix('$$')).toBe('$$');
    for (const bad of ['', 'toolong', 'a b', '`', '<@', '@x', '#', 'x', '7']) expect(() => validatePrefix(bad)).toThrow(UserError);
  });
});

describe.each(backends())('job_runs and guild_settings (%s)', (backend) => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await openTestDb(backend);
  });
  afterAll(async () => {
    await tdb?.close();
  });
  beforeEach(async () => {
    await tdb.reset();
  });

  it('claimJobRun: 50 concurrent claims of one period, exactly one wins; a new period is claimable', async () => {
    const at = new Date('2025-01-01T10:15:00Z');
    const results = await Promise.all(Array.from({ length: 50 }, () => claimJobRun(tdb.db, 'bounty-board', hourKey(at), at)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await jobRan(tdb.db, 'bounty-board', '2025-01-01T10')).toBe(true);
    expect(await claimJobRun(tdb.db, 'bounty-board', '2025-01-01T11', at)).toBe(true);
    expect(await claimJobRun(tdb.db, 'other-job', '2025-01-01T10', at)).toBe(true);
  });

  it('runOnce: concurrent runners run the body once; a failing body releases the claim for a retry', async () => {
    let bodies = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        runOnce(tdb.db, 'raid-announce', 'g1:2025-01-01T10', async (tx) => {
          bodies++;
          await tx.query('SELECT 1');
          return 'posted';
        }),
      ),
    );
    expect(bodies).toBe(1);
    expect(outcomes.filter((o) => o.ran)).toEqual([{ ran: true, value: 'posted' }]);

    await expect(runOnce(tdb.db, 'flaky', 'p', async () => Promise.reject(new Error('db hiccup')))).rejects.toThrow('db hiccup');
    expect(await jobRan(tdb.db, 'flaky', 'p')).toBe(false);
    expect(await runOnce(tdb.db, 'flaky', 'p', async () => 1)).toEqual({ ran: true, value: 1 });
  });

  it('pruneJobRuns removes old claims only', async () => {
    await claimJobRun(tdb.db, 'j', 'old', new Date('2024-01-01T00:00:00Z'));
    await claimJobRun(tdb.db, 'j', 'new', new Date('2025-01-01T00:00:00Z'));
    expect(await pruneJobRuns(tdb.db, new Date('2024-06-01T00:00:00Z'))).toBe(1);
    expect(await jobRan(tdb.db, 'j', 'new')).toBe(true);
  });

  it('guild prefixes: stored, cleared with null, cached with write-through', async () => {
    const at = new Date('2025-01-01T00:00:00Z');
    expect(await getGuildPrefix(tdb.db, 'g1')).toBeNull();
    const cache = new GuildPrefixCache(tdb.db);
    expect(cache.peek('g1')).toBeUndefined();
    expect(await cache.load('g1')).toBeNull();
    await cache.set('g1', '?', 'u1', at);
    expect(cache.peek('g1')).toBe('?');
    expect(await getGuildPrefix(tdb.db, 'g1')).toBe('?');
    // Another process's cache sees it on load.
    const other = new GuildPrefixCache(tdb.db);
    expect(await other.load('g1')).toBe('?');
    await setGuildPrefix(tdb.db, 'g1', null, 'u1', at);
    expect(await getGuildPrefix(tdb.db, 'g1')).toBeNull();
    await expect(setGuildPrefix(tdb.db, 'g2', 'toolong', 'u1', at)).rejects.toThrow();
  });
});
