import { createHash } from 'node:crypto';
import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIMessageComponentEmoji,
  type AttachmentPayload,
  ComponentType,
  ButtonStyle as DjsButtonStyle,
  type MessageCreateOptions,
  type MessageEditOptions,
  type MessageMentionOptions,
  parseEmoji,
} from 'discord.js';
import type { Attachment, ButtonStyle, Component, Embed, Reply } from '../../commands/reply.js';

/**
 * Platform-neutral Replies → discord.js message options (raw API JSON for
 * embeds and components). Everything is clipped to Discord's limits here, so
 * a long list in a command becomes "…" instead of a 50035 Invalid Form Body.
 */
export const Limits = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
  rows: 5,
  buttonsPerRow: 5,
  label: 80,
  customId: 100,
  selectOptions: 25,
  optionText: 100,
  placeholder: 150,
  attachments: 10,
} as const;

/**
 * Users mentioned in content may be pinged (a PvP challenge should notify);
 * @everyone/@here and roles never are, whatever a player makes the bot echo;
 * the player whose command is answered isn't pinged by the reply itself.
 */
export const ALLOWED_MENTIONS: MessageMentionOptions = { parse: ['users'], repliedUser: false };

export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function media(url: string | undefined): { url: string } | undefined {
  if (!url) return undefined;
  return /^(attachment|https?):\/\//.test(url) ? { url } : undefined;
}

export function renderEmbed(e: Embed): APIEmbed {
  const out: APIEmbed = {};
  if (e.title) out.title = clip(e.title, Limits.title);
  if (e.description) out.description = clip(e.description, Limits.description);
  if (e.color !== undefined) out.color = e.color;
  if (e.fields?.length) {
    out.fields = e.fields.slice(0, Limits.fields).map((f) => ({
      // Discord rejects empty names/values; a zero-width space keeps the layout.
      name: clip(f.name || '\u200b', Limits.fieldName),
      value: clip(f.value || '\u200b', Limits.fieldValue),
      ...(f.inline ? { inline: true } : {}),
    }));
  }
  const image = media(e.image);
  if (image) out.image = image;
  const thumb = media(e.thumbnail);
  if (thumb) out.thumbnail = thumb;
  if (e.footer) out.footer = { text: clip(e.footer, Limits.footer) };
  return out;
}

function embedSize(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.fields ?? []).reduce((a, f) => a + f.name.length + f.value.length, 0)
  );
}

/** All embeds of one message, within the 10-embed and 6,000-character limits. */
export function renderEmbeds(embeds: Embed[] | undefined): APIEmbed[] {
  const out = (embeds ?? []).slice(0, Limits.embeds).map(renderEmbed);
  const total = out.reduce((a, e) => a + embedSize(e), 0);
  if (total <= Limits.embedTotal) return out;
  // Too long together: cap every description and field value at the same length C,
  // the largest that fits ("water filling"), so long texts shrink evenly and short ones stay whole.
  const texts: Array<{ get(): string; set(v: string): void }> = [];
  for (const e of out) {
    if (e.description) texts.push({ get: () => e.description!, set: (v) => (e.description = v) });
    for (const f of e.fields ?? []) texts.push({ get: () => f.value, set: (v) => (f.value = v) });
  }
  const trimmable = texts.reduce((a, t) => a + t.get().length, 0);
  let budget = Math.max(texts.length, Limits.embedTotal - (total - trimmable));
  const lengths = texts.map((t) => t.get().length).sort((a, b) => a - b);
  let cap = 1;
  for (let i = 0; i < lengths.length; i++) {
    const left = lengths.length - i;
    if (lengths[i]! * left <= budget) {
      budget -= lengths[i]!;
      continue;
    }
    cap = Math.max(1, Math.floor(budget / left));
    break;
  }
  for (const t of texts) if (t.get().length > cap) t.set(clip(t.get(), cap));
  return out;
}

function emoji(text: string | undefined): APIMessageComponentEmoji | undefined {
  if (!text) return undefined;
  const e = parseEmoji(text);
  if (!e) return undefined;
  return e.id ? { id: e.id, name: e.name ?? undefined, animated: e.animated } : { name: e.name ?? text };
}

const STYLE: Record<ButtonStyle, DjsButtonStyle.Primary | DjsButtonStyle.Secondary | DjsButtonStyle.Success | DjsButtonStyle.Danger> = {
  primary: DjsButtonStyle.Primary,
  secondary: DjsButtonStyle.Secondary,
  success: DjsButtonStyle.Success,
  danger: DjsButtonStyle.Danger,
};

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

export function renderComponents(rows: Component[][] | undefined): Row[] {
  return (rows ?? [])
    .filter((row) => row.length > 0)
    .slice(0, Limits.rows)
    .map((row) => {
      // A select fills a whole row on Discord.
      const select = row.find((c) => c.type === 'select');
      const items = select ? [select] : row.slice(0, Limits.buttonsPerRow);
      return {
        type: ComponentType.ActionRow,
        components: items.map((c): APIComponentInMessageActionRow => {
          if (c.type === 'button') {
            const em = emoji(c.emoji);
            return {
              type: ComponentType.Button,
              style: STYLE[c.style ?? 'secondary'],
              custom_id: c.customId.slice(0, Limits.customId),
              label: clip(c.label, Limits.label),
              ...(em ? { emoji: em } : {}),
              disabled: !!c.disabled,
            };
          }
          const options = c.options.slice(0, Limits.selectOptions);
          return {
            type: ComponentType.StringSelect,
            custom_id: c.customId.slice(0, Limits.customId),
            ...(c.placeholder ? { placeholder: clip(c.placeholder, Limits.placeholder) } : {}),
            min_values: Math.min(c.minValues ?? 1, options.length),
            max_values: Math.min(c.maxValues ?? 1, options.length),
            disabled: !!c.disabled,
            options: options.map((o) => {
              const em = emoji(o.emoji);
              return {
                label: clip(o.label, Limits.optionText),
                value: o.value.slice(0, Limits.optionText),
                ...(o.description ? { description: clip(o.description, Limits.optionText) } : {}),
                ...(em ? { emoji: em } : {}),
              };
            }),
          };
        }),
      };
    });
}

export function renderFiles(attachments: Attachment[] | undefined): AttachmentPayload[] {
  return (attachments ?? []).slice(0, Limits.attachments).map((a) => ({ attachment: a.data, name: a.name }));
}

/** True when Discord would reject the reply as an empty message. */
export function isEmptyReply(r: Reply): boolean {
  return !r.content?.trim() && !r.embeds?.length && !r.attachments?.length && !r.components?.some((row) => row.length > 0);
}

/** A new message (command reply or announcement). */
export function toCreateOptions(reply: Reply, replyTo?: string): MessageCreateOptions {
  const opts: MessageCreateOptions = { allowedMentions: ALLOWED_MENTIONS };
  if (reply.content) opts.content = clip(reply.content, Limits.content);
  if (reply.embeds?.length) opts.embeds = renderEmbeds(reply.embeds);
  if (reply.components?.length) opts.components = renderComponents(reply.components);
  if (reply.attachments?.length) opts.files = renderFiles(reply.attachments);
  // A deleted command message must not make the reply fail (10008 / 50035).
  if (replyTo) opts.reply = { messageReference: replyTo, failIfNotExists: false };
  return opts;
}

/**
 * The new state of an existing message (a view's next page, disabled
 * components). A Reply is the whole message, so missing parts are cleared.
 * Attachments: `keepFiles` leaves the uploaded ones in place (same images);
 * otherwise they are replaced by the reply's own.
 */
export function toEditOptions(reply: Reply, keepFiles: boolean): MessageEditOptions {
  const opts: MessageEditOptions = {
    content: reply.content ? clip(reply.content, Limits.content) : null,
    embeds: renderEmbeds(reply.embeds),
    components: renderComponents(reply.components),
    allowedMentions: ALLOWED_MENTIONS,
  };
  if (!keepFiles) {
    opts.attachments = [];
    opts.files = renderFiles(reply.attachments);
  }
  return opts;
}

/** A signature of a reply's files, to skip re-uploading identical images on edits. */
export function filesSignature(attachments: Attachment[] | undefined): string {
  return (attachments ?? []).map((a) => `${a.name}:${createHash('sha1').update(a.data).digest('base64')}`).join('|');
}

/** Embeds as text, for channels where the bot may send messages but not embeds or files. */
export function toPlainText(reply: Reply, note?: string): string {
  const parts: string[] = [];
  if (reply.content) parts.push(reply.content);
  for (const e of reply.embeds ?? []) {
    if (e.title) parts.push(`**${e.title}**`);
    if (e.description) parts.push(e.description);
    for (const f of e.fields ?? []) parts.push(`**${f.name}:** ${f.value}`);
    if (e.footer) parts.push(`_${e.footer}_`);
  }
  if (!note) return clip(parts.join('\n'), Limits.content);
  return `${clip(parts.join('\n'), Limits.content - note.length - 1)}\n${note}`;
}
