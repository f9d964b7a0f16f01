/**
 * Fair scheduling of player actions (ARCHITECTURE.md, "Scaling out").
 *
 * Every command, button press and prompt answer runs through `run(playerId,
 * fn)`. Two rules:
 *
 * - **One at a time per player.** A player's actions wait in their own FIFO
 *   lane and start only when the previous one has finished. They wait here,
 *   holding nothing, instead of each taking a pooled database connection and
 *   then queueing on the player's row lock (the row locks stay: they order
 *   actions from other processes and shards). A lane holds at most
 *   `perPlayer` actions, running one included; more are refused at once
 *   (`queue-full`), so a spammer's backlog stays small.
 * - **A bounded number at once, served round-robin.** At most `slots` actions
 *   run at once across all players (the database pool's size: each running
 *   action needs a connection at a time). Lanes whose next action is ready
 *   wait in one ring; a free slot goes to the lane at its head, and a lane
 *   that has more to do after its action goes to the back. So a player who
 *   sends one command waits for at most one action of each other waiting
 *   player, however deep their lanes are.
 *
 * The queue is bounded: at most `maxWaiting` actions wait at once across all
 * players (more are refused at once, `busy`: past that backlog a reply would
 * come too late to be worth the wait), and an action waits at most
 * `maxWaitMs` for a slot (counted from when it reaches the head of its lane,
 * so a player's own backlog doesn't count against it; then it is refused,
 * `busy`, and never runs).
 *
 * **Shedding.** When the machine can't keep up, a queue that only grows makes
 * every reply late. So the scheduler watches how long the oldest action
 * waiting for a slot has waited: past `shedAfterMs`, a player who already has
 * an action queued or running is refused at once (`queue-full`: their earlier
 * commands are still to come), and past twice that every new action of a
 * regular is (`busy`), until the backlog drains below it; a newcomer (the
 * caller says who is one: the dispatcher, a player with no command in the
 * last minute) still gets a turn, within `maxWaitMs`, so a crowd arriving at
 * once is served, while regulars are told to try again. An answer stays a
 * couple of seconds away instead of growing with the overload. The caller
 * may name other work the action will wait on (a Backlog: for a command that
 * draws, how late the oldest picture waiting to be drawn is, and how late is
 * too late for this player): it counts for the first rule, and past its
 * limit the action is refused (`busy`).
 *
 * A refusal is a SchedulerRefusal; the dispatcher answers it with a short
 * message, never with an error id, and nothing has changed.
 */

export type RefusalReason = 'queue-full' | 'busy';

export interface RunOptions {
  /** Other work this action will wait on (shedding). */
  backlog?: Backlog;
  /** A player new to the queue lately: under shedding, not turned away while the ring is late (maxWaitMs still bounds the wait). */
  newcomer?: boolean;
}

/** Other work an action will wait on: how long its oldest item has waited, and past what the action is refused. */
export interface Backlog {
  ms: number;
  /** 0 = no limit. */
  limitMs: number;
}

export class SchedulerRefusal extends Error {
  constructor(readonly reason: RefusalReason) {
    super(reason === 'queue-full' ? 'too many actions queued for this player' : 'no free slot in time');
    this.name = 'SchedulerRefusal';
  }
}

/** One of each, shared: under overload thousands are refused, and a refusal carries nothing of its own. */
const REFUSALS: Readonly<Record<RefusalReason, SchedulerRefusal>> = {
  'queue-full': new SchedulerRefusal('queue-full'),
  busy: new SchedulerRefusal('busy'),
};

export interface SchedulerOptions {
  /** Actions running at once across all players (≥ 1). */
  slots: number;
  /** Actions a player may have queued or running; 0 = no bound. */
  perPlayer: number;
  /** Actions waiting (not running) at once across all players; 0 = no bound. */
  maxWaiting: number;
  /** How long an action at the head of its lane may wait for a slot, in ms; 0 = no bound. */
  maxWaitMs: number;
  /** Backlog age (ms) past which busy players' new actions are refused, and past twice which everyone's are; 0 = never. */
  shedAfterMs?: number;
}

interface Task {
  start(): void;
  refuse(): void;
  timer?: NodeJS.Timeout;
}

interface Lane {
  id: string;
  tasks: Task[];
  running: boolean;
  /** When its head action started waiting for a slot (performance.now()). */
  readyAt: number;
}

export interface SchedulerStats {
  /** Actions running now. */
  running: number;
  /** Actions waiting (in lanes, not running). */
  waiting: number;
  /** Players with an action running or waiting. */
  players: number;
  /** How long the oldest action waiting for a slot has waited, in ms. */
  backlogMs: number;
  /** Actions refused since start, by reason. */
  refused: Record<RefusalReason, number>;
}

export class CommandScheduler {
  private readonly lanes = new Map<string, Lane>();
  /** Lanes whose head action waits for a slot, in arrival order (a Set keeps insertion order and deletes in O(1)). */
  private readonly ring = new Set<Lane>();
  private active = 0;
  private waiting = 0;
  private readonly refused: Record<RefusalReason, number> = { 'queue-full': 0, busy: 0 };
  readonly options: Readonly<SchedulerOptions>;

  constructor(options: SchedulerOptions) {
    if (!Number.isInteger(options.slots) || options.slots < 1) throw new RangeError(`scheduler slots must be a whole number ≥ 1 (got ${options.slots})`);
    this.options = { ...options };
  }

  /** How long the ring's oldest head action has waited for a slot, in ms. */
  backlogMs(): number {
    const oldest = this.ring.values().next().value as Lane | undefined;
    return oldest ? performance.now() - oldest.readyAt : 0;
  }

  /**
   * Runs `fn` for `playerId` when it is this action's turn; resolves or
   * rejects as `fn` does, or rejects with a SchedulerRefusal (then `fn`
   * never ran).
   */
  run<T>(playerId: string, fn: () => Promise<T>, { backlog, newcomer = false }: RunOptions = {}): Promise<T> {
    const existing = this.lanes.get(playerId);
    const held = existing ? existing.tasks.length + (existing.running ? 1 : 0) : 0;
    if (this.options.perPlayer > 0 && held >= this.options.perPlayer) return this.refuse('queue-full');
    // Past the backlog bound, refuse at once (actions wait only while every slot is taken).
    if (this.options.maxWaiting > 0 && this.waiting >= this.options.maxWaiting) return this.refuse('busy');
    const shed = this.options.shedAfterMs ?? 0;
    if (shed > 0) {
      const ring = this.backlogMs();
      if (Math.max(ring, backlog?.ms ?? 0) > shed && held > 0) return this.refuse('queue-full');
      if (ring > 2 * shed && !newcomer) return this.refuse('busy');
    }
    if (backlog && backlog.limitMs > 0 && backlog.ms > backlog.limitMs) return this.refuse('busy');
    let lane = existing;
    if (!lane) {
      lane = { id: playerId, tasks: [], running: false, readyAt: 0 };
      this.lanes.set(playerId, lane);
    }
    const owner = lane;
    return new Promise<T>((resolve, reject) => {
      const task: Task = {
        start: () => {
          // A microtask later, so an fn that throws synchronously still settles this promise. The
          // slot is given back before the caller hears the result.
          Promise.resolve()
            .then(fn)
            .then(
              (value) => {
                this.finish(owner);
                resolve(value);
              },
              (err: unknown) => {
                this.finish(owner);
                reject(err);
              },
            );
        },
        refuse: () => {
          this.refused.busy++;
          reject(REFUSALS.busy);
        },
      };
      owner.tasks.push(task);
      this.waiting++;
      if (!owner.running && owner.tasks.length === 1) this.enqueue(owner);
      this.pump();
    });
  }

  stats(): SchedulerStats {
    return { running: this.active, waiting: this.waiting, players: this.lanes.size, backlogMs: this.backlogMs(), refused: { ...this.refused } };
  }

  private refuse<T>(reason: RefusalReason): Promise<T> {
    this.refused[reason]++;
    return Promise.reject(REFUSALS[reason]);
  }

  /** The lane's head action starts waiting for a slot (and its wait is timed from now). */
  private enqueue(lane: Lane): void {
    lane.readyAt = performance.now();
    this.ring.add(lane);
    const head = lane.tasks[0]!;
    if (this.options.maxWaitMs > 0) {
      head.timer = setTimeout(() => this.expire(lane, head), this.options.maxWaitMs);
      head.timer.unref?.();
    }
  }

  private expire(lane: Lane, task: Task): void {
    if (lane.tasks[0] !== task || !this.ring.has(lane)) return; // already started
    this.ring.delete(lane);
    lane.tasks.shift();
    this.waiting--;
    task.refuse();
    if (lane.tasks.length > 0) this.enqueue(lane);
    else this.lanes.delete(lane.id);
  }

  private pump(): void {
    while (this.active < this.options.slots && this.ring.size > 0) {
      const lane = this.ring.values().next().value as Lane;
      this.ring.delete(lane);
      const task = lane.tasks.shift()!;
      this.waiting--;
      if (task.timer) clearTimeout(task.timer);
      lane.running = true;
      this.active++;
      task.start();
    }
  }

  private finish(lane: Lane): void {
    this.active--;
    lane.running = false;
    // Round-robin: a lane with more to do goes to the back of the ring.
    if (lane.tasks.length > 0) this.enqueue(lane);
    else this.lanes.delete(lane.id);
    this.pump();
  }
}
