/** `!skill_details`' menu pages past a select's 25 options, so no skill is ever left out. */
import { describe, expect, it } from 'vitest';
import { skillPicker } from '../../../src/cogs/utility.js';
import type { Button, ComponentUse, Reply, Select } from '../../../src/commands/reply.js';
import { SKILLS, type SkillDef } from '../../../src/core/skills/registry.js';

const select = (r: Reply): Select => r.components![0]![0] as Select;
const buttons = (r: Reply): Button[] => (r.components![1] ?? []) as Button[];
const press = (customId: string, values: string[] = []): ComponentUse => ({ userId: 'u1', username: 'u1', customId, values });

describe('the skill_details picker', () => {
  it('shows every registry skill; with 25 or fewer there are no page buttons', () => {
    expect(SKILLS.length).toBeLessThanOrEqual(25);
    const r = skillPicker('u1');
    expect(select(r).options.map((o) => o.value)).toEqual(SKILLS.map((d) => d.name));
    expect(r.components).toHaveLength(1);
  });

  it('a 26th skill is on page 2, reached with Next; Prev and Next are disabled at the ends', async () => {
    // 27 skills: 5 extra in front push the registry's last two onto a second page.
    const extra: SkillDef[] = SKILLS.slice(0, 5).map((d) => ({ ...d, name: `${d.name} II` }));
    const skills = [...extra, ...SKILLS];
    expect(skills.length).toBeGreaterThan(25);
    const first = skillPicker('u1', 0, skills);
    expect(select(first).options).toHaveLength(25);
    expect(first.content).toBe(`Pick a skill (${skills.length} skills, page 1 of 2):`);
    expect(buttons(first).map((b) => [b.customId, b.disabled])).toEqual([
      ['sd:prev', true],
      ['sd:next', false],
    ]);

    const second = (await first.view!.handle(press('sd:next'))).update!;
    const names = select(second).options.map((o) => o.value);
    expect(names).toEqual(skills.slice(25).map((d) => d.name));
    expect(buttons(second).map((b) => b.disabled)).toEqual([false, true]);
    const seen = [...select(first).options, ...select(second).options].map((o) => o.value);
    expect(seen).toEqual(skills.map((d) => d.name));

    // Picking from the second page shows that skill.
    const last = SKILLS.at(-1)!;
    const shown = await second.view!.handle(press('skill', [last.name]));
    expect(shown.followUps![0]!.embeds![0]!.title).toBe(`✨ ${last.name}`);
    // Prev goes back.
    const back = (await second.view!.handle(press('sd:prev'))).update!;
    expect(select(back).options[0]!.value).toBe(skills[0]!.name);
  });
});
