import { describe, expect, it } from 'vitest';
import { disableComponents, type Reply } from '../../../src/commands/reply.js';
import {
  filesSignature,
  isEmptyReply,
  Limits,
  renderComponents,
  renderEmbeds,
  toCreateOptions,
  toEditOptions,
  toPlainText,
} from '../../../src/platform/discord/render.js';
import { PNG_A, PNG_B } from './harness.js';

describe('Reply → Discord payload', () => {
  it('maps embeds, images and colours; clips to Discord limits', () => {
    const [e] = renderEmbeds([
      {
        title: 'T'.repeat(300),
        description: 'd',
        color: 0xff0000,
        image: 'attachment://card.png',
        thumbnail: 'not a url',
        footer: 'f',
        fields: [{ name: '', value: '' }, ...Array.from({ length: 30 }, (_, i) => ({ name: `n${i}`, value: 'v'.repeat(2000), inline: true }))],
      },
    ]);
    expect(e!.title).toHaveLength(Limits.title);
    expect(e!.title!.endsWith('…')).toBe(true);
    expect(e!.image).toEqual({ url: 'attachment://card.png' });
    expect(e!.thumbnail).toBeUndefined();
    expect(e!.footer).toEqual({ text: 'f' });
    expect(e!.fields).toHaveLength(Limits.fields);
    expect(e!.fields![0]).toEqual({ name: '\u200b', value: '\u200b' });
    const total = (e!.title?.length ?? 0) + (e!.description?.length ?? 0) + 1 + e!.fields!.reduce((a, f) => a + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(Limits.embedTotal);
  });

  it('embeds too long together shrink their long texts evenly and keep short ones whole', () => {
    const out = renderEmbeds([
      { title: 'A', description: 'a'.repeat(4000), fields: [{ name: 'Gems', value: '1,250' }] },
      { title: 'B', description: 'b'.repeat(4000) },
    ]);
    expect(out[0]!.fields![0]!.value).toBe('1,250');
    const [a, b] = [out[0]!.description!, out[1]!.description!];
    expect(a.length).toBe(b.length);
    expect(a.endsWith('…')).toBe(true);
    const size = 2 + a.length + b.length + 'Gems'.length + '1,250'.length;
    expect(size).toBeLessThanOrEqual(Limits.embedTotal);
    expect(size).toBeGreaterThan(Limits.embedTotal - 3);
  });

  it('at most 10 embeds and 5 rows; a select fills its row; custom emoji parsed', () => {
    expect(renderEmbeds(Array.from({ length: 12 }, () => ({ title: 'x' })))).toHaveLength(10);
    const rows = renderComponents([
      [
        { type: 'button', customId: 'a', label: 'A', emoji: '<:gem:123456789012345678>' },
        { type: 'button', customId: 'b', label: 'B', style: 'danger', disabled: true },
      ],
      [
        { type: 'select', customId: 's', options: Array.from({ length: 30 }, (_, i) => ({ label: `o${i}`, value: `${i}`, emoji: '🌟' })), maxValues: 3 },
        { type: 'button', customId: 'lost', label: 'L' },
      ],
      [],
      ...Array.from({ length: 6 }, (_, i) => [{ type: 'button' as const, customId: `r${i}`, label: 'r' }]),
    ]);
    expect(rows).toHaveLength(5);
    expect(rows[0]!.components[0]).toMatchObject({
      type: 2,
      style: 2,
      custom_id: 'a',
      emoji: { id: '123456789012345678', name: 'gem', animated: false },
      disabled: false,
    });
    expect(rows[0]!.components[1]).toMatchObject({ style: 4, disabled: true });
    expect(rows[1]!.components).toHaveLength(1);
    const select = rows[1]!.components[0] as { type: number; options: unknown[]; max_values: number; min_values: number };
    expect(select).toMatchObject({ type: 3, min_values: 1, max_values: 3 });
    expect(select.options).toHaveLength(25);
    expect(rows[2]!.components[0]).toMatchObject({ custom_id: 'r0' }); // the empty row was dropped
  });

  it('create options reply without pinging; edits clear what the new state lacks', () => {
    const reply: Reply = { content: 'x'.repeat(2500), attachments: [{ name: 'a.png', data: PNG_A, contentType: 'image/png' }] };
    const create = toCreateOptions(reply, '99');
    expect(create.content).toHaveLength(2000);
    expect(create.reply).toEqual({ messageReference: '99', failIfNotExists: false });
    expect(create.allowedMentions).toEqual({ parse: ['users'], repliedUser: false });
    expect(create.files).toEqual([{ attachment: PNG_A, name: 'a.png' }]);

    const keep = toEditOptions({ embeds: [{ title: 'p2' }] }, true);
    expect(keep).toMatchObject({ content: null, embeds: [{ title: 'p2' }], components: [] });
    expect(keep.files).toBeUndefined();
    expect(keep.attachments).toBeUndefined();
    const replace = toEditOptions({ attachments: [{ name: 'b.png', data: PNG_B, contentType: 'image/png' }] }, false);
    expect(replace.attachments).toEqual([]);
    expect(replace.files).toEqual([{ attachment: PNG_B, name: 'b.png' }]);
  });

  it('file signatures tell identical images from different ones', () => {
    const a = [{ name: 'c.png', data: PNG_A, contentType: 'image/png' }];
    expect(filesSignature(a)).toBe(filesSignature([{ ...a[0]!, data: Buffer.from(PNG_A) }]));
    expect(filesSignature(a)).not.toBe(filesSignature([{ ...a[0]!, data: PNG_B }]));
    expect(filesSignature(undefined)).toBe('');
    const withView: Reply = { ...(a.length ? { attachments: a } : {}), components: [[{ type: 'button', customId: 'x', label: 'x' }]] };
    expect(filesSignature(disableComponents(withView).attachments)).toBe(filesSignature(a));
  });

  it('plain-text fallback keeps the words and the note within 2,000 characters', () => {
    const text = toPlainText(
      { content: 'hi', embeds: [{ title: 'Wallet', description: 'd'.repeat(3000), fields: [{ name: 'Gems', value: '5' }], footer: 'foot' }] },
      'NOTE',
    );
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text.startsWith('hi\n**Wallet**\n')).toBe(true);
    expect(text.endsWith('\nNOTE')).toBe(true);
    expect(toPlainText({ embeds: [{ title: 'W', fields: [{ name: 'Gems', value: '5' }] }] })).toBe('**W**\n**Gems:** 5');
  });

  it('knows an empty reply', () => {
    expect(isEmptyReply({})).toBe(true);
    expect(isEmptyReply({ content: '  ', components: [[]] })).toBe(true);
    expect(isEmptyReply({ embeds: [{ title: 'x' }] })).toBe(false);
  });
});
