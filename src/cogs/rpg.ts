import { type ArgSpec, truncate } from '../commands/args.js';
import { battleEmbed, battleImageJob, whoseSkill } from '../commands/battle-view.js';
import { ArgumentError } from '../commands/errors.js';
import { n, rewardText } from '../commands/format.js';
import { Colors, type Reply } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand } from '../commands/types.js';
import { CLOSE_LOSS_RATIO } from '../core/skills/registry.js';
import {
  findStage,
  isOpen,
  nextStage,
  playStage,
  REPEAT_REWARDS_PER_DAY,
  recommendedPower,
  type StageResult,
  storyChapters,
  storyProgress,
} from '../core/story/story.js';
import { cmd, text } from '../core/text.js';

/** `1-3` → {chapter 1, stage 3}. */
const stageArg: ArgSpec<{ chapter: number; stage: number } | undefined> = {
  label: '[chapter-stage]',
  take: 'one',
  isOptional: true,
  slash: {
    options: [
      {
        type: 'string',
        name: 'stage',
        description: 'A stage as chapter-stage, e.g. 1-3 (none: your chapters)',
        required: false,
        maxLength: 7,
        complete: 'stage',
      },
    ],
    toTokens: (v) => (v.stage ? [String(v.stage)] : []),
  },
  parse(tokens) {
    const t = tokens[0];
    if (t === undefined) return undefined;
    const m = /^(\d{1,3})-(\d{1,3})$/.exec(t.trim());
    if (!m) throw new ArgumentError(`Name a stage as chapter-stage, like \`1-3\` (got \`${truncate(t)}\`).`);
    return { chapter: Number(m[1]), stage: Number(m[2]) };
  },
};

function stars(k: number): string {
  return '★'.repeat(k) + '☆'.repeat(3 - k);
}

async function overview(ctx: CommandContext): Promise<Reply> {
  const progress = await storyProgress(ctx.services.db, ctx.author.id);
  const next = nextStage(progress);
  const fields = storyChapters().map((ch) => {
    const lines = ch.stages.map((s, i) => {
      const p = progress.get(`${ch.chapter}-${i + 1}`);
      const open = isOpen(progress, ch.chapter, i + 1);
      const mark = p ? stars(p.bestStars) : open ? '▶️ open' : '🔒';
      const rec = recommendedPower(findStage(ch.chapter, i + 1)!);
      return `\`${ch.chapter}-${i + 1}\` ${s.title} — ${mark} · rec. ${n(rec)}`;
    });
    const earned = ch.stages.reduce((sum, _s, i) => sum + (progress.get(`${ch.chapter}-${i + 1}`)?.bestStars ?? 0), 0);
    return { name: `Chapter ${ch.chapter}: ${ch.title} (${earned}/15 ★)`, value: lines.join('\n') };
  });
  return {
    embeds: [
      {
        title: '📖 Story',
        description: next
          ? `Next: ${ctx.voice.cmd('story', `${next.chapter}-${next.stage}`)} — ${findStage(next.chapter, next.stage)!.title}. Your battle team fights each stage.`
          : 'Every stage cleared — replay stages for more stars and daily repeat rewards.',
        fields,
        footer: `First clears pay once; repeat clears pay up to ${REPEAT_REWARDS_PER_DAY} times a day (UTC).`,
        color: Colors.info,
      },
    ],
  };
}

/**
 * Why a stage wasn't cleared, in the player's terms. Only a plain loss is a
 * reason to grow the team; a draw says whose skill made it.
 */
export function notClearedLine(ctx: CommandContext, r: StageResult): string {
  const { totals, drawnBy } = r.result;
  const score = `${n(totals.attacker)} to ${n(totals.defender)}`;
  if (r.result.outcome === 'DRAW' && drawnBy?.side === 'attacker') {
    return `Not cleared: you lost narrowly (${score}) and ${whoseSkill(drawnBy)} held it to a draw — a draw doesn't clear a stage. You were close; fight it again.`;
  }
  if (r.result.outcome === 'DRAW' && drawnBy?.side === 'defender') {
    return (
      `Not cleared: you won ${score}, but ${whoseSkill(drawnBy)} turned it into a draw — a draw doesn't clear a stage. ` +
      `Their skill only saves a close fight (their total at least ${Math.round(CLOSE_LOSS_RATIO * 100)}% of yours); fight it again.`
    );
  }
  return `Not cleared. Recommended power: ${n(recommendedPower(r.stage))}. Raise dupes, bonds and team level, or rethink your team (${ctx.voice.cmd('teambuilder')}).`;
}

async function stageReply(ctx: CommandContext, r: StageResult): Promise<Reply> {
  const s = r.stage;
  const extra: string[] = [`*${s.lines.join(' ')}*`];
  if (r.stars > 0) extra.push(`Stars: **${stars(r.stars)}** (best ${stars(r.bestStars)})`);
  else extra.push(notClearedLine(ctx, r));
  if (r.firstClear && r.paid) extra.push(`🎉 First clear! You earned ${rewardText(ctx.services.config, r.paid)}.`);
  else if (r.paid) extra.push(`🔁 Repeat clear: ${rewardText(ctx.services.config, r.paid)} (${r.repeatsToday}/${REPEAT_REWARDS_PER_DAY} today).`);
  else if (r.stars > 0) extra.push(`Repeat rewards are used up for today (${REPEAT_REWARDS_PER_DAY}/${REPEAT_REWARDS_PER_DAY}); stars still count.`);
  const shown = { attackerName: ctx.author.username, defenderName: s.title, attacker: r.attacker, defender: r.defender, result: r.result };
  const embed = battleEmbed(shown, extra, `Stage ${s.chapter}-${s.stage} · seed ${r.result.seed}`, { royaltyPays: true });
  embed.title = `📖 ${s.chapter}-${s.stage} · ${s.title}`;
  return { embeds: [embed], images: [battleImageJob(shown, ctx.services.pictures)] };
}

export default defineCog({
  name: 'rpg',
  description: 'Story mode: chapters of stages fought with your battle team.',
  setup() {
    // Bad story content stops the bot at boot, naming the stage.
    storyChapters();
  },
  commands: [
    defineCommand({
      name: 'story',
      description: text`Story chapters with your stars, or fights a stage: ${cmd('story', '1-3')}.`,
      details:
        'Stages open one after another. Stars by margin of victory: a win is 1★, winning by 10% or more 2★, by 25% or more 3★; your best is kept. ' +
        `A first clear pays its reward once; repeat clears pay a small reward up to ${REPEAT_REWARDS_PER_DAY} times a day.`,
      args: { stage: stageArg },
      async run(ctx, { stage }) {
        if (!stage) return overview(ctx);
        const result = await playStage(ctx.services.db, {
          playerId: ctx.author.id,
          chapter: stage.chapter,
          stage: stage.stage,
          seed: ctx.services.rng().nextUint32(),
          now: ctx.services.clock.now(),
        });
        return stageReply(ctx, result);
      },
    }),
  ],
});
