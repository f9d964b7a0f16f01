/** Discord snowflakes: (ms since 2015-01-01) << 22 | worker << 17 | process << 12 | increment. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

export class SnowflakeGenerator {
  private increment = 0n;

  constructor(private readonly workerId = 1n) {}

  next(at: number = Date.now()): string {
    const ms = BigInt(at) - DISCORD_EPOCH;
    const inc = this.increment;
    this.increment = (this.increment + 1n) & 0xfffn;
    return ((ms << 22n) | ((this.workerId & 0x1fn) << 17n) | inc).toString();
  }
}

/** Shard that receives events for `guildId`: `(guild_id >> 22) % shard_count`. */
export function shardForGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/**
 * A syntactically valid guild snowflake that routes to `shardId` of `shardCount`
 * (handy for sharding tests). `seq` makes distinct ids for the same shard.
 */
export function guildIdForShard(shardId: number, shardCount: number, seq = 0): string {
  const base = (BigInt(Date.now()) - DISCORD_EPOCH) >> 8n; // some plausible timestamp-ish value
  const aligned = base - (base % BigInt(shardCount)) + BigInt(shardId) + BigInt(seq * shardCount);
  return (aligned << 22n).toString();
}
