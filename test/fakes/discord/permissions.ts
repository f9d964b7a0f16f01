/**
 * Discord permission bits and the documented permission computation
 * (https://discord.com/developers/docs/topics/permissions, "Permission Overwrites",
 * "Implicit Permissions", "Inherited Permissions (Threads)").
 *
 * Names match discord.js's `PermissionFlagsBits`, so tests can say `deny: ['SendMessages']`.
 */

/** Bitwise Permission Flags, as in the docs' table (bit 47 is unassigned). */
export const Perm = {
  CreateInstantInvite: 1n << 0n,
  KickMembers: 1n << 1n,
  BanMembers: 1n << 2n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewAuditLog: 1n << 7n,
  PrioritySpeaker: 1n << 8n,
  Stream: 1n << 9n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  SendTTSMessages: 1n << 12n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ViewGuildInsights: 1n << 19n,
  Connect: 1n << 20n,
  Speak: 1n << 21n,
  MuteMembers: 1n << 22n,
  DeafenMembers: 1n << 23n,
  MoveMembers: 1n << 24n,
  UseVAD: 1n << 25n,
  ChangeNickname: 1n << 26n,
  ManageNicknames: 1n << 27n,
  ManageRoles: 1n << 28n,
  ManageWebhooks: 1n << 29n,
  ManageGuildExpressions: 1n << 30n,
  UseApplicationCommands: 1n << 31n,
  RequestToSpeak: 1n << 32n,
  ManageEvents: 1n << 33n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  UseExternalStickers: 1n << 37n,
  SendMessagesInThreads: 1n << 38n,
  UseEmbeddedActivities: 1n << 39n,
  ModerateMembers: 1n << 40n,
  ViewCreatorMonetizationAnalytics: 1n << 41n,
  UseSoundboard: 1n << 42n,
  CreateGuildExpressions: 1n << 43n,
  CreateEvents: 1n << 44n,
  UseExternalSounds: 1n << 45n,
  SendVoiceMessages: 1n << 46n,
  SetVoiceChannelStatus: 1n << 48n,
  SendPolls: 1n << 49n,
  UseExternalApps: 1n << 50n,
  PinMessages: 1n << 51n,
  BypassSlowmode: 1n << 52n,
} as const;

export type PermName = keyof typeof Perm;

/** Every documented permission ("ALL" in the docs' pseudocode). */
export const ALL_PERMISSIONS: bigint = Object.values(Perm).reduce((a, b) => a | b, 0n);

/**
 * The fake's default @everyone permissions: what a bot needs to chat in an ordinary server
 * (Discord's own default for a new server is similar: view, send, embed, attach, history,
 * reactions, external emojis, application commands, threads).
 */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  Perm.AddReactions |
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.EmbedLinks |
  Perm.AttachFiles |
  Perm.ReadMessageHistory |
  Perm.UseExternalEmojis |
  Perm.UseApplicationCommands |
  Perm.SendMessagesInThreads;

/** A permission set as tests write it: a bigint, a decimal string (as on the wire), or a list of names/bits. */
export type PermInput = bigint | string | ReadonlyArray<PermName | bigint>;

export function toBits(input: PermInput | undefined): bigint {
  if (input === undefined) return 0n;
  if (typeof input === 'bigint') return input;
  if (typeof input === 'string') {
    if (!/^\d+$/.test(input)) throw new Error(`permissions: "${input}" is not a decimal bit set (pass names as an array)`);
    return BigInt(input);
  }
  let bits = 0n;
  for (const p of input) {
    if (typeof p === 'bigint') bits |= p;
    else if (p in Perm) bits |= Perm[p];
    else throw new Error(`permissions: unknown permission "${String(p)}"`);
  }
  return bits;
}

/** Names of the set bits, for error messages and reports. */
export function permNames(bits: bigint): PermName[] {
  return (Object.keys(Perm) as PermName[]).filter((name) => (bits & Perm[name]) === Perm[name]);
}

export interface OverwriteBits {
  id: string;
  /** 0 role, 1 member */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface PermissionSubject {
  userId: string;
  /** Role ids of the member (without @everyone). */
  roleIds: readonly string[];
}

export interface GuildPermissionContext {
  guildId: string;
  ownerId: string;
  /** Role id → permissions; must contain the @everyone role (id = guild id). */
  rolePermissions: ReadonlyMap<string, bigint>;
}

/** compute_base_permissions from the docs: owner → ALL; @everyone | member roles; ADMINISTRATOR → ALL. */
export function basePermissions(guild: GuildPermissionContext, member: PermissionSubject): bigint {
  if (member.userId === guild.ownerId) return ALL_PERMISSIONS;
  let permissions = guild.rolePermissions.get(guild.guildId) ?? 0n;
  for (const roleId of member.roleIds) permissions |= guild.rolePermissions.get(roleId) ?? 0n;
  if ((permissions & Perm.Administrator) === Perm.Administrator) return ALL_PERMISSIONS;
  return permissions;
}

/**
 * compute_overwrites from the docs: @everyone overwrite, then all of the member's role
 * overwrites together (deny then allow), then the member overwrite.
 */
export function applyOverwrites(base: bigint, guildId: string, member: PermissionSubject, overwrites: readonly OverwriteBits[]): bigint {
  if ((base & Perm.Administrator) === Perm.Administrator) return ALL_PERMISSIONS;
  let permissions = base;
  const everyone = overwrites.find((o) => o.id === guildId);
  if (everyone) {
    permissions &= ~everyone.deny;
    permissions |= everyone.allow;
  }
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== guildId && member.roleIds.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  permissions &= ~deny;
  permissions |= allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === member.userId);
  if (own) {
    permissions &= ~own.deny;
    permissions |= own.allow;
  }
  return permissions;
}
