/**
 * Builds APPLICATION_COMMAND / APPLICATION_COMMAND_AUTOCOMPLETE interaction `data` from a
 * registered command definition, the way the Discord client does when a user fills in a slash
 * command (interactions/receiving-and-responding, "Application Command Data Structure" and
 * "Application Command Interaction Data Option Structure"; interactions/application-commands,
 * "Autocomplete").
 *
 * Anything a real user could not send — an unknown option, a wrong type, a value outside the
 * choices or min/max, a missing required option, a base command that has subcommands — throws,
 * so a test mistake fails loudly instead of reaching the bot as an impossible interaction.
 */
import { OptionType } from './limits.js';
import type { Json, RegisteredCommand } from './types.js';

export type CommandOptionValue = string | number | boolean;
export type CommandOptionInput = CommandOptionValue | { type: number; value: CommandOptionValue };

/** Looks up what `resolved` needs: users (+ members in guilds), channels, roles. */
export interface OptionResolver {
  user(id: string): Json | undefined;
  /** Partial member (no `user`, `deaf`, `mute`) with `permissions`, or undefined outside a guild / not a member. */
  member(id: string): Json | undefined;
  /** Partial channel (id, name, type, permissions, …), or undefined if unknown. */
  channel(id: string): Json | undefined;
  role(id: string): Json | undefined;
}

export interface BuildOptions {
  /** Words after the command name: `['join']` or `['team', 'set']`. */
  path: string[];
  options: Record<string, CommandOptionInput>;
  resolver: OptionResolver;
  /** For autocomplete: the option being typed. Its value is sent as the raw typed string. */
  focused?: string;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TYPE_NAMES: Record<number, string> = {
  1: 'subcommand',
  2: 'subcommand group',
  3: 'string',
  4: 'integer',
  5: 'boolean',
  6: 'user',
  7: 'channel',
  8: 'role',
  9: 'mentionable',
  10: 'number',
  11: 'attachment',
};

/** The interaction `data` for a slash command invocation (or autocomplete request). */
export function buildCommandData(cmd: RegisteredCommand, build: BuildOptions): Json {
  const where = `/${cmd.name}`;
  const defs = (cmd.options ?? []).filter(isObj);
  const resolved: Record<'users' | 'members' | 'channels' | 'roles', Record<string, Json>> = { users: {}, members: {}, channels: {}, roles: {} };
  const hasSubs = defs.some((d) => d.type === OptionType.Subcommand || d.type === OptionType.SubcommandGroup);
  let options: Json[];
  if (!hasSubs) {
    if (build.path.length) throw new Error(`${where} has no subcommand "${build.path.join(' ')}"`);
    options = buildValues(where, defs, build, resolved);
  } else {
    const [first, second, ...rest] = build.path;
    if (!first) {
      throw new Error(
        `${where} has subcommands (${defs.map((d) => d.name).join(', ')}); the base command cannot be invoked — name one, e.g. "${cmd.name} ${String(defs[0]?.name)}"`,
      );
    }
    const top = defs.find((d) => d.name === first);
    if (!top) throw new Error(`${where} has no subcommand or group "${first}" (has ${defs.map((d) => d.name).join(', ')})`);
    if (top.type === OptionType.SubcommandGroup) {
      const subs = (Array.isArray(top.options) ? top.options : []).filter(isObj);
      const sub = subs.find((s) => s.name === second);
      if (!sub) throw new Error(`${where} ${first}: name a subcommand of the group (${subs.map((s) => s.name).join(', ')})`);
      if (rest.length) throw new Error(`${where} ${first} ${String(second)}: too many words (${rest.join(' ')})`);
      const leaf = buildValues(`${where} ${first} ${second}`, (Array.isArray(sub.options) ? sub.options : []).filter(isObj), build, resolved);
      options = [{ type: OptionType.SubcommandGroup, name: first, options: [{ type: OptionType.Subcommand, name: second, options: leaf }] }];
    } else {
      if (second !== undefined) throw new Error(`${where} ${first} is a subcommand, not a group; "${[second, ...rest].join(' ')}" is not part of it`);
      const leaf = buildValues(`${where} ${first}`, (Array.isArray(top.options) ? top.options : []).filter(isObj), build, resolved);
      options = [{ type: OptionType.Subcommand, name: first, options: leaf }];
    }
  }
  const resolvedOut: Json = {};
  for (const [key, map] of Object.entries(resolved)) if (Object.keys(map).length) resolvedOut[key] = map;
  return {
    id: cmd.id,
    name: cmd.name,
    type: cmd.type,
    options,
    ...(cmd.guild_id ? { guild_id: cmd.guild_id } : {}),
    ...(Object.keys(resolvedOut).length ? { resolved: resolvedOut } : {}),
  };
}

function buildValues(
  where: string,
  defs: Json[],
  build: BuildOptions,
  resolved: Record<'users' | 'members' | 'channels' | 'roles', Record<string, Json>>,
): Json[] {
  const autocomplete = build.focused !== undefined;
  for (const name of Object.keys(build.options)) {
    if (!defs.some((d) => d.name === name)) {
      throw new Error(`${where} has no option "${name}" (options: ${defs.map((d) => d.name).join(', ') || 'none'})`);
    }
  }
  if (autocomplete) {
    const focusedDef = defs.find((d) => d.name === build.focused);
    if (!focusedDef) throw new Error(`${where}: the focused option "${build.focused}" is not an option of this command`);
    if (focusedDef.autocomplete !== true) throw new Error(`${where}: option "${build.focused}" does not have autocomplete enabled`);
  }
  const out: Json[] = [];
  for (const def of defs) {
    const name = String(def.name);
    const type = Number(def.type);
    const raw = build.options[name];
    if (raw === undefined) {
      // Autocomplete sends whatever the user has filled so far; required ones may be missing.
      if (def.required === true && !autocomplete) throw new Error(`${where}: required option "${name}" is missing`);
      if (autocomplete && name === build.focused) out.push({ type, name, value: '', focused: true });
      continue;
    }
    let value: CommandOptionValue;
    if (typeof raw === 'object') {
      if (raw.type !== type) throw new Error(`${where}: option "${name}" is a ${TYPE_NAMES[type]} (type ${type}), not type ${raw.type}`);
      value = raw.value;
    } else value = raw;
    if (autocomplete && name === build.focused) {
      // The focused option carries the raw text being typed ("can return partial data").
      out.push({ type, name, value: String(value), focused: true });
      continue;
    }
    out.push({ type, name, value: checkValue(`${where}: option "${name}"`, def, type, value, build.resolver, resolved) });
  }
  return out;
}

function checkValue(
  what: string,
  def: Json,
  type: number,
  value: CommandOptionValue,
  resolver: OptionResolver,
  resolved: Record<'users' | 'members' | 'channels' | 'roles', Record<string, Json>>,
): CommandOptionValue {
  const want = TYPE_NAMES[type] ?? `type ${type}`;
  switch (type) {
    case OptionType.String: {
      if (typeof value !== 'string') throw new Error(`${what} is a string, got ${typeof value}`);
      const n = [...value].length;
      if (typeof def.min_length === 'number' && n < def.min_length) throw new Error(`${what} must be at least ${def.min_length} characters`);
      if (typeof def.max_length === 'number' && n > def.max_length) throw new Error(`${what} must be at most ${def.max_length} characters`);
      break;
    }
    case OptionType.Integer:
    case OptionType.Number: {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new Error(`${what} is ${want === 'integer' ? 'an' : 'a'} ${want}, got ${JSON.stringify(value)}`);
      if (type === OptionType.Integer && !Number.isInteger(value)) throw new Error(`${what} is an integer, got ${value}`);
      if (typeof def.min_value === 'number' && value < def.min_value) throw new Error(`${what} must be ≥ ${def.min_value}, got ${value}`);
      if (typeof def.max_value === 'number' && value > def.max_value) throw new Error(`${what} must be ≤ ${def.max_value}, got ${value}`);
      break;
    }
    case OptionType.Boolean:
      if (typeof value !== 'boolean') throw new Error(`${what} is a boolean, got ${JSON.stringify(value)}`);
      break;
    case OptionType.User: {
      const id = String(value);
      const user = resolver.user(id);
      if (!user) throw new Error(`${what}: unknown user ${id}`);
      resolved.users[id] = user;
      const member = resolver.member(id);
      if (member) resolved.members[id] = member;
      return id;
    }
    case OptionType.Channel: {
      const id = String(value);
      const channel = resolver.channel(id);
      if (!channel) throw new Error(`${what}: unknown channel ${id}`);
      if (Array.isArray(def.channel_types) && !def.channel_types.includes(channel.type)) {
        throw new Error(`${what}: channel ${id} has type ${String(channel.type)}, allowed ${JSON.stringify(def.channel_types)}`);
      }
      resolved.channels[id] = channel;
      return id;
    }
    case OptionType.Role: {
      const id = String(value);
      const role = resolver.role(id);
      if (!role) throw new Error(`${what}: unknown role ${id}`);
      resolved.roles[id] = role;
      return id;
    }
    case OptionType.Mentionable: {
      const id = String(value);
      const role = resolver.role(id);
      const user = resolver.user(id);
      if (role) resolved.roles[id] = role;
      else if (user) {
        resolved.users[id] = user;
        const member = resolver.member(id);
        if (member) resolved.members[id] = member;
      } else throw new Error(`${what}: ${id} is neither a known user nor a role`);
      return id;
    }
    default:
      throw new Error(`${what}: option type ${want} is not supported by FakeDiscord.invokeCommand`);
  }
  // "If you specify choices for an option, they are the only valid values for a user to pick."
  if (Array.isArray(def.choices) && def.choices.length > 0 && !def.choices.some((c) => isObj(c) && c.value === value)) {
    throw new Error(`${what} must be one of the choices ${JSON.stringify(def.choices.map((c) => (isObj(c) ? c.value : c)))}, got ${JSON.stringify(value)}`);
  }
  return value;
}
