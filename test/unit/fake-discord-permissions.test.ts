import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, applyOverwrites, basePermissions, Perm, permNames, toBits } from '../fakes/discord/permissions.js';

const GUILD = '1';
const A = '10';
const B = '11';
const USER = '100';

describe("the fake's permission computation follows the docs' algorithm", () => {
  const guild = {
    guildId: GUILD,
    ownerId: '999',
    rolePermissions: new Map([
      [GUILD, Perm.ViewChannel | Perm.SendMessages],
      [A, Perm.EmbedLinks],
      [B, 0n],
    ]),
  };
  const member = { userId: USER, roleIds: [A, B] };

  it('base: @everyone | roles; the owner and Administrator get everything', () => {
    expect(permNames(basePermissions(guild, member))).toEqual(['ViewChannel', 'SendMessages', 'EmbedLinks']);
    expect(basePermissions(guild, { userId: '999', roleIds: [] })).toBe(ALL_PERMISSIONS);
    const admin = { ...guild, rolePermissions: new Map([...guild.rolePermissions, [B, Perm.Administrator]]) };
    expect(basePermissions(admin, member)).toBe(ALL_PERMISSIONS);
  });

  it('role overwrites apply together: one role denying and another allowing View Channel still allows it ("Permission Hierarchy")', () => {
    const base = basePermissions(guild, member);
    const overwrites = [
      { id: A, type: 0 as const, allow: 0n, deny: Perm.ViewChannel },
      { id: B, type: 0 as const, allow: Perm.ViewChannel, deny: 0n },
    ];
    expect(applyOverwrites(base, GUILD, member, overwrites) & Perm.ViewChannel).toBe(Perm.ViewChannel);
  });

  it('order: @everyone overwrite, then roles, then the member overwrite wins', () => {
    const base = basePermissions(guild, member);
    const overwrites = [
      { id: GUILD, type: 0 as const, allow: 0n, deny: Perm.SendMessages | Perm.ViewChannel },
      { id: A, type: 0 as const, allow: Perm.SendMessages, deny: 0n },
      { id: USER, type: 1 as const, allow: Perm.ViewChannel, deny: Perm.EmbedLinks },
    ];
    expect(permNames(applyOverwrites(base, GUILD, member, overwrites))).toEqual(['ViewChannel', 'SendMessages']);
    // An overwrite for a role the member does not have changes nothing.
    expect(applyOverwrites(base, GUILD, { userId: USER, roleIds: [] }, [{ id: A, type: 0, allow: Perm.ManageGuild, deny: 0n }])).toBe(base);
  });

  it('toBits takes names, bits or the wire string, and refuses unknown names', () => {
    expect(toBits(['SendMessages', Perm.ViewChannel])).toBe(Perm.SendMessages | Perm.ViewChannel);
    expect(toBits('3072')).toBe(Perm.SendMessages | Perm.ViewChannel);
    expect(() => toBits(['SendMesages' as never])).toThrow(/unknown permission/);
  });
});
