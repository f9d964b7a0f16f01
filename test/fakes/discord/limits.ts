/**
 * Discord's documented payload limits, checked the way Discord answers them: a 400 with
 * code 50035 ("Invalid Form Body") and an `errors` tree keyed by the JSON path of each bad
 * field (https://discord.com/developers/docs/reference#error-messages).
 *
 * Sources for the numbers (docs as of 2026):
 * - messages: resources/message "Create Message" (content ≤ 2000, ≤ 10 embeds, nonce ≤ 25)
 *   and "Embed Limits" (title 256, description 4096, ≤ 25 fields, field name 256 / value 1024,
 *   footer 2048, author name 256, ≤ 6000 across all embeds; whitespace is trimmed before counting);
 * - components: components/reference ("Action Row": ≤ 5 buttons or one select; custom_id 1-100;
 *   button label ≤ 80, url ≤ 512; string select ≤ 25 options, placeholder ≤ 150, min/max_values ≤ 25,
 *   option label/value/description ≤ 100; a message allows 40 components in all with IS_COMPONENTS_V2);
 * - application commands: interactions/application-commands ("Application Command Naming", the
 *   command and option structure tables, "Subcommands and Subcommand Groups" nesting, "Slash
 *   Commands" combined size — 8000 since discord-api-docs c6b0575 (Feb 2024), it was 4000 before);
 * - interaction responses: interactions/receiving-and-responding ("Autocomplete" ≤ 25 choices,
 *   "Modal" custom_id 1-100, title ≤ 45, 1-5 components).
 *
 * The numeric code, the HTTP status and the error path are what clients rely on; the string codes
 * are Discord's where known (BASE_TYPE_MAX_LENGTH, MAX_EMBED_SIZE_EXCEEDED, APPLICATION_COMMAND_TOO_LARGE,
 * COMPONENT_CUSTOM_ID_DUPLICATED …) and descriptive otherwise.
 */
import type { Json } from './types.js';

export type ErrorPath = ReadonlyArray<string | number>;

/** Collects form errors into Discord's nested `errors` shape, plus a flat readable list. */
export class FormErrors {
  readonly tree: Json = {};
  readonly problems: string[] = [];

  add(path: ErrorPath, code: string, message: string): void {
    let node: Json = this.tree;
    for (const key of path) {
      const k = String(key);
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
      node = node[k] as Json;
    }
    const list = (node._errors as Array<{ code: string; message: string }> | undefined) ?? [];
    list.push({ code, message });
    node._errors = list;
    this.problems.push(`${path.length ? path.join('.') : '(body)'}: ${message} [${code}]`);
  }

  get empty(): boolean {
    return this.problems.length === 0;
  }
}

export const Limits = {
  content: 2000,
  nonce: 25,
  embeds: 10,
  embedTotal: 6000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooter: 2048,
  embedAuthor: 256,
  attachments: 10,
  actionRows: 5,
  rowButtons: 5,
  totalComponentsV2: 40,
  customId: 100,
  buttonLabel: 80,
  buttonUrl: 512,
  selectPlaceholder: 150,
  selectOptions: 25,
  selectValues: 25,
  selectOption: 100,
  modalTitle: 45,
  modalComponents: 5,
  autocompleteChoices: 25,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
  commandChoices: 25,
  choiceName: 100,
  choiceValue: 100,
  commandSize: 8000,
  globalChatInput: 100,
  globalUser: 15,
  globalMessage: 15,
} as const;

/** Characters as Discord counts them (Unicode code points, not UTF-16 units). */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const maxLen = (e: FormErrors, path: ErrorPath, value: unknown, max: number, trim = false): number => {
  if (typeof value !== 'string') return 0;
  const n = charCount(trim ? value.trim() : value);
  if (n > max) e.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  return n;
};

const badLen = (e: FormErrors, path: ErrorPath, value: unknown, min: number, max: number): void => {
  const n = typeof value === 'string' ? charCount(value) : Array.isArray(value) ? value.length : -1;
  if (n === -1) e.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  else if (n < min || n > max) e.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
};

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

const MessageFlagComponentsV2 = 1 << 15;

/**
 * A message create/edit body (REST, webhook, or interaction callback `data`). `path` prefixes
 * every error (e.g. `['data']` for interaction callbacks, as Discord reports them).
 */
export function checkMessageBody(e: FormErrors, body: Json, path: ErrorPath = []): void {
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  const v2 = (flags & MessageFlagComponentsV2) !== 0;
  maxLen(e, [...path, 'content'], body.content, Limits.content);
  if (typeof body.nonce === 'string') maxLen(e, [...path, 'nonce'], body.nonce, Limits.nonce);
  if (Array.isArray(body.embeds)) checkEmbeds(e, body.embeds, [...path, 'embeds']);
  if (Array.isArray(body.components)) checkComponents(e, body.components, [...path, 'components'], v2);
  if (v2 && ((typeof body.content === 'string' && body.content !== '') || (Array.isArray(body.embeds) && body.embeds.length > 0))) {
    e.add(
      [...path, 'content'],
      'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
      "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
    );
  }
}

export function checkEmbeds(e: FormErrors, embeds: unknown[], path: ErrorPath): void {
  if (embeds.length > Limits.embeds) e.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${Limits.embeds} or fewer in length.`);
  let total = 0;
  embeds.forEach((embed, i) => {
    if (!isObj(embed)) {
      e.add([...path, i], 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
      return;
    }
    const at = (...keys: Array<string | number>): ErrorPath => [...path, i, ...keys];
    total += maxLen(e, at('title'), embed.title, Limits.embedTitle, true);
    total += maxLen(e, at('description'), embed.description, Limits.embedDescription, true);
    if (Array.isArray(embed.fields)) {
      if (embed.fields.length > Limits.embedFields) e.add(at('fields'), 'BASE_TYPE_MAX_LENGTH', `Must be ${Limits.embedFields} or fewer in length.`);
      embed.fields.forEach((field, j) => {
        if (!isObj(field)) return;
        for (const [key, max] of [
          ['name', Limits.embedFieldName],
          ['value', Limits.embedFieldValue],
        ] as const) {
          if (typeof field[key] !== 'string' || field[key].trim() === '') e.add(at('fields', j, key), 'BASE_TYPE_REQUIRED', 'This field is required');
          else total += maxLen(e, at('fields', j, key), field[key], max, true);
        }
      });
    }
    if (isObj(embed.footer)) {
      if (typeof embed.footer.text !== 'string') e.add(at('footer', 'text'), 'BASE_TYPE_REQUIRED', 'This field is required');
      total += maxLen(e, at('footer', 'text'), embed.footer.text, Limits.embedFooter, true);
    }
    if (isObj(embed.author)) {
      if (typeof embed.author.name !== 'string') e.add(at('author', 'name'), 'BASE_TYPE_REQUIRED', 'This field is required');
      total += maxLen(e, at('author', 'name'), embed.author.name, Limits.embedAuthor, true);
    }
  });
  if (total > Limits.embedTotal) e.add(path, 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${Limits.embedTotal}`);
}

const ComponentType = { ActionRow: 1, Button: 2, StringSelect: 3, TextInput: 4, UserSelect: 5, RoleSelect: 6, MentionableSelect: 7, ChannelSelect: 8 };
const SELECTS = new Set([
  ComponentType.StringSelect,
  ComponentType.UserSelect,
  ComponentType.RoleSelect,
  ComponentType.MentionableSelect,
  ComponentType.ChannelSelect,
]);

export function checkComponents(e: FormErrors, components: unknown[], path: ErrorPath, v2: boolean): void {
  if (!v2 && components.length > Limits.actionRows) e.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${Limits.actionRows} or fewer in length.`);
  let count = 0;
  const ids = new Map<string, ErrorPath>();
  const walk = (list: unknown[], at: ErrorPath, topLevel: boolean): void => {
    list.forEach((c, i) => {
      if (!isObj(c)) return;
      count++;
      const here = [...at, i];
      if (!v2 && topLevel && c.type !== ComponentType.ActionRow) {
        e.add([...here, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).');
        return;
      }
      if (c.type === ComponentType.ActionRow) checkActionRow(e, c, here);
      else if (c.type === ComponentType.Button) checkButton(e, c, here);
      else if (typeof c.type === 'number' && SELECTS.has(c.type)) checkSelect(e, c, here);
      if (typeof c.custom_id === 'string') {
        if (ids.has(c.custom_id)) e.add([...here, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', `Component custom id "${c.custom_id}" cannot be duplicated`);
        else ids.set(c.custom_id, here);
      }
      if (Array.isArray(c.components)) walk(c.components, [...here, 'components'], false);
      if (isObj(c.accessory)) walk([c.accessory], [...here, 'accessory'], false);
    });
  };
  walk(components, path, true);
  if (v2 && count > Limits.totalComponentsV2) e.add(path, 'BASE_TYPE_MAX_LENGTH', `A message may contain at most ${Limits.totalComponentsV2} components.`);
}

function checkActionRow(e: FormErrors, row: Json, path: ErrorPath): void {
  const children = Array.isArray(row.components) ? row.components.filter(isObj) : [];
  if (!Array.isArray(row.components) || children.length === 0 || children.length > Limits.rowButtons) {
    e.add([...path, 'components'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${Limits.rowButtons} in length.`);
  }
  // A select takes the whole row (width 5); buttons are width 1 each.
  const hasSelect = children.some((c) => typeof c.type === 'number' && SELECTS.has(c.type));
  if (hasSelect && children.length > 1) e.add([...path, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
}

function checkButton(e: FormErrors, b: Json, path: ErrorPath): void {
  const style = typeof b.style === 'number' ? b.style : 0;
  if (style < 1 || style > 6) e.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6}.');
  maxLen(e, [...path, 'label'], b.label, Limits.buttonLabel);
  checkEmoji(e, b.emoji, [...path, 'emoji']);
  if (style === 5) {
    if (typeof b.url !== 'string') e.add([...path, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
    else maxLen(e, [...path, 'url'], b.url, Limits.buttonUrl);
    if (b.custom_id !== undefined) e.add([...path, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'A link button cannot have a custom_id');
  } else if (style === 6) {
    if (typeof b.sku_id !== 'string') e.add([...path, 'sku_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
  } else {
    badLen(e, [...path, 'custom_id'], b.custom_id, 1, Limits.customId);
    if ((typeof b.label !== 'string' || b.label === '') && !isObj(b.emoji)) {
      e.add(path, 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A button needs a label or an emoji');
    }
  }
}

/** An emoji object needs a name (unicode) or an id (custom); `{}` is refused (bwmarrin/discordgo#1479, #1504). */
function checkEmoji(e: FormErrors, emoji: unknown, path: ErrorPath): void {
  if (emoji === undefined || emoji === null) return;
  if (!isObj(emoji) || ((typeof emoji.name !== 'string' || emoji.name === '') && typeof emoji.id !== 'string')) {
    e.add([...path, 'name'], 'BUTTON_COMPONENT_INVALID_EMOJI', 'Invalid emoji');
  }
}

function checkSelect(e: FormErrors, s: Json, path: ErrorPath): void {
  badLen(e, [...path, 'custom_id'], s.custom_id, 1, Limits.customId);
  maxLen(e, [...path, 'placeholder'], s.placeholder, Limits.selectPlaceholder);
  const min = typeof s.min_values === 'number' ? s.min_values : 1;
  const max = typeof s.max_values === 'number' ? s.max_values : 1;
  if (min < 0 || min > Limits.selectValues) e.add([...path, 'min_values'], 'NUMBER_TYPE_MAX', `int value should be between 0 and ${Limits.selectValues}.`);
  if (max < 1 || max > Limits.selectValues) e.add([...path, 'max_values'], 'NUMBER_TYPE_MAX', `int value should be between 1 and ${Limits.selectValues}.`);
  if (min > max) e.add([...path, 'min_values'], 'SELECT_COMPONENT_MIN_VALUES_TOO_HIGH', 'min_values cannot be greater than max_values');
  if (s.type !== ComponentType.StringSelect) return;
  const options = Array.isArray(s.options) ? s.options : undefined;
  badLen(e, [...path, 'options'], options, 1, Limits.selectOptions);
  if (!options) return;
  if (max > options.length) e.add([...path, 'max_values'], 'SELECT_COMPONENT_MAX_VALUES_TOO_HIGH', 'max_values cannot be greater than the number of options');
  const seen = new Set<string>();
  options.forEach((o, i) => {
    if (!isObj(o)) return;
    const at = [...path, 'options', i];
    badLen(e, [...at, 'label'], o.label, 1, Limits.selectOption);
    badLen(e, [...at, 'value'], o.value, 1, Limits.selectOption);
    maxLen(e, [...at, 'description'], o.description, Limits.selectOption);
    checkEmoji(e, o.emoji, [...at, 'emoji']);
    if (typeof o.value === 'string') {
      if (seen.has(o.value)) e.add([...at, 'value'], 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', 'The specified option value is already used');
      seen.add(o.value);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Interaction responses
// ---------------------------------------------------------------------------------------------

/** Type 8 APPLICATION_COMMAND_AUTOCOMPLETE_RESULT `data`. */
export function checkAutocompleteResult(e: FormErrors, data: Json | undefined, path: ErrorPath = ['data']): void {
  const choices = data?.choices;
  if (!Array.isArray(choices)) {
    e.add([...path, 'choices'], 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (choices.length > Limits.autocompleteChoices) {
    e.add([...path, 'choices'], 'BASE_TYPE_MAX_LENGTH', `Must be ${Limits.autocompleteChoices} or fewer in length.`);
  }
  choices.forEach((c, i) => checkChoice(e, c, [...path, 'choices', i], undefined));
}

/** Type 9 MODAL `data`. */
export function checkModal(e: FormErrors, data: Json | undefined, path: ErrorPath = ['data']): void {
  badLen(e, [...path, 'custom_id'], data?.custom_id, 1, Limits.customId);
  badLen(e, [...path, 'title'], data?.title, 1, Limits.modalTitle);
  badLen(e, [...path, 'components'], data?.components, 1, Limits.modalComponents);
}

// ---------------------------------------------------------------------------------------------
// Application commands
// ---------------------------------------------------------------------------------------------

export const CommandType = { ChatInput: 1, User: 2, Message: 3, PrimaryEntryPoint: 4 } as const;
export const OptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

/** "Application Command Naming": CHAT_INPUT command and option names. */
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkChatInputName(e: FormErrors, path: ErrorPath, name: unknown, what: 'Command' | 'Option'): void {
  if (typeof name !== 'string') {
    e.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (!CHAT_INPUT_NAME.test(name)) e.add(path, 'APPLICATION_COMMAND_INVALID_NAME', `${what} name is invalid`);
  // "If there is a lowercase variant of any letters used, you must use those."
  else if (name !== name.toLowerCase()) e.add(path, 'APPLICATION_COMMAND_INVALID_NAME', `${what} name must be lowercase`);
}

function checkLocalizations(path: ErrorPath, value: unknown, check: (p: ErrorPath, v: unknown) => void): void {
  if (!isObj(value)) return;
  for (const [locale, v] of Object.entries(value)) check([...path, locale], v);
}

function checkChoice(e: FormErrors, choice: unknown, path: ErrorPath, optionType: number | undefined): void {
  if (!isObj(choice)) {
    e.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    return;
  }
  badLen(e, [...path, 'name'], choice.name, 1, Limits.choiceName);
  checkLocalizations([...path, 'name_localizations'], choice.name_localizations, (p, v) => badLen(e, p, v, 1, Limits.choiceName));
  const v = choice.value;
  if (typeof v === 'string') {
    if (optionType !== undefined && optionType !== OptionType.String) e.add([...path, 'value'], 'NUMBER_TYPE_COERCE', `Value "${v}" is not a number.`);
    else maxLen(e, [...path, 'value'], v, Limits.choiceValue);
  } else if (typeof v === 'number') {
    if (optionType === OptionType.String) e.add([...path, 'value'], 'STRING_TYPE_CONVERT', 'Value must be a string.');
    if (optionType === OptionType.Integer && !Number.isInteger(v)) e.add([...path, 'value'], 'NUMBER_TYPE_COERCE', `Value "${v}" is not int.`);
  } else {
    e.add([...path, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
  }
}

const SUBCOMMANDISH = new Set<number>([OptionType.Subcommand, OptionType.SubcommandGroup]);
const CHOICE_TYPES = new Set<number>([OptionType.String, OptionType.Integer, OptionType.Number]);

/**
 * One option array at a nesting level: `top` (the command's own options), `group` (inside a
 * subcommand group: only subcommands), or `leaf` (inside a subcommand: only value options).
 * "We support nesting one level deep within a group … That is the only kind of nesting supported."
 */
function checkOptionList(e: FormErrors, options: unknown, path: ErrorPath, level: 'top' | 'group' | 'leaf'): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) {
    e.add(path, 'BASE_TYPE_LIST', 'Must be a list');
    return;
  }
  if (options.length > Limits.commandOptions) e.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${Limits.commandOptions} or fewer in length.`);
  const names = new Set<string>();
  let sawOptional = false;
  const kinds = new Set<'sub' | 'value'>();
  options.forEach((o, i) => {
    const at = [...path, i];
    if (!isObj(o)) {
      e.add(at, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
      return;
    }
    const type = typeof o.type === 'number' ? o.type : 0;
    if (type < 1 || type > 11) e.add([...at, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.');
    checkChatInputName(e, [...at, 'name'], o.name, 'Option');
    checkLocalizations([...at, 'name_localizations'], o.name_localizations, (p, v) => checkChatInputName(e, p, v, 'Option'));
    badLen(e, [...at, 'description'], o.description, 1, Limits.commandDescription);
    checkLocalizations([...at, 'description_localizations'], o.description_localizations, (p, v) => badLen(e, p, v, 1, Limits.commandDescription));
    if (typeof o.name === 'string') {
      if (names.has(o.name)) e.add([...at, 'name'], 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option names must be unique');
      names.add(o.name);
    }
    const isSub = SUBCOMMANDISH.has(type);
    kinds.add(isSub ? 'sub' : 'value');
    if (level === 'group' && type !== OptionType.Subcommand) {
      e.add([...at, 'type'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'A subcommand group may only contain subcommands');
    }
    if (level === 'leaf' && isSub) e.add([...at, 'type'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Subcommands cannot contain subcommands or groups');
    if (isSub) {
      if (o.required !== undefined && o.required !== false)
        e.add([...at, 'required'], 'APPLICATION_COMMAND_OPTION_REQUIRED_INVALID', 'Subcommands cannot be required');
      checkOptionList(e, o.options, [...at, 'options'], type === OptionType.SubcommandGroup ? 'group' : 'leaf');
    } else {
      if (o.options !== undefined) e.add([...at, 'options'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Only subcommands and groups may have options');
      // "Required options must be listed before optional options."
      if (o.required === true && sawOptional) {
        e.add([...at, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
      }
      if (o.required !== true) sawOptional = true;
      checkValueOption(e, o, at, type);
    }
  });
  if (kinds.size > 1) {
    e.add(path, 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-command and sub-command group option types are mutually exclusive to all other types');
  }
}

function checkValueOption(e: FormErrors, o: Json, at: ErrorPath, type: number): void {
  if (o.choices !== undefined) {
    if (!CHOICE_TYPES.has(type))
      e.add([...at, 'choices'], 'APPLICATION_COMMAND_OPTION_CHOICES_INVALID', 'Only string, integer and number options may have choices');
    else if (!Array.isArray(o.choices)) e.add([...at, 'choices'], 'BASE_TYPE_LIST', 'Must be a list');
    else {
      if (o.choices.length > Limits.commandChoices) e.add([...at, 'choices'], 'BASE_TYPE_MAX_LENGTH', `Must be ${Limits.commandChoices} or fewer in length.`);
      o.choices.forEach((c, j) => checkChoice(e, c, [...at, 'choices', j], type));
      // "autocomplete may not be set to true if choices are present."
      if (o.autocomplete === true && o.choices.length > 0) {
        e.add([...at, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_AND_CHOICES', 'Autocomplete cannot be set together with choices');
      }
    }
  }
  if (o.autocomplete === true && !CHOICE_TYPES.has(type)) {
    e.add([...at, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', 'Only string, integer and number options may use autocomplete');
  }
  const numeric = type === OptionType.Integer || type === OptionType.Number;
  for (const key of ['min_value', 'max_value'] as const) {
    if (o[key] === undefined) continue;
    if (!numeric) e.add([...at, key], 'APPLICATION_COMMAND_OPTION_INVALID', `${key} is only valid for integer and number options`);
    else if (typeof o[key] !== 'number' || (type === OptionType.Integer && !Number.isInteger(o[key]))) {
      e.add([...at, key], 'NUMBER_TYPE_COERCE', `${key} must be a ${type === OptionType.Integer ? 'integer' : 'number'}`);
    }
  }
  if (typeof o.min_value === 'number' && typeof o.max_value === 'number' && o.min_value > o.max_value) {
    e.add([...at, 'min_value'], 'APPLICATION_COMMAND_OPTION_INVALID', 'min_value must not exceed max_value');
  }
  for (const [key, lo] of [
    ['min_length', 0],
    ['max_length', 1],
  ] as const) {
    if (o[key] === undefined) continue;
    if (type !== OptionType.String) e.add([...at, key], 'APPLICATION_COMMAND_OPTION_INVALID', `${key} is only valid for string options`);
    else if (typeof o[key] !== 'number' || !Number.isInteger(o[key]) || o[key] < lo || o[key] > 6000) {
      e.add([...at, key], 'NUMBER_TYPE_MAX', `int value should be between ${lo} and 6000.`);
    }
  }
  if (o.channel_types !== undefined && type !== OptionType.Channel) {
    e.add([...at, 'channel_types'], 'APPLICATION_COMMAND_OPTION_INVALID', 'channel_types is only valid for channel options');
  }
}

/**
 * "Slash commands can have a maximum of 8000 characters for combined name, description, and value
 * properties for each command, its options (including subcommands and groups), and choices. When
 * localization fields are present, only the longest localization for each field (including the
 * default value) is counted."
 */
export function commandSize(body: Json): number {
  const field = (value: unknown, localizations: unknown): number => {
    let n = typeof value === 'string' ? charCount(value) : typeof value === 'number' ? String(value).length : 0;
    if (isObj(localizations)) for (const v of Object.values(localizations)) if (typeof v === 'string') n = Math.max(n, charCount(v));
    return n;
  };
  const options = (list: unknown): number => {
    if (!Array.isArray(list)) return 0;
    let n = 0;
    for (const o of list.filter(isObj)) {
      n += field(o.name, o.name_localizations) + field(o.description, o.description_localizations);
      if (Array.isArray(o.choices)) for (const c of o.choices.filter(isObj)) n += field(c.name, c.name_localizations) + field(c.value, undefined);
      n += options(o.options);
    }
    return n;
  };
  return field(body.name, body.name_localizations) + field(body.description, body.description_localizations) + options(body.options);
}

/** One application command definition (POST/PATCH body, or one entry of a bulk PUT). */
export function checkCommand(e: FormErrors, body: unknown, path: ErrorPath = [], partial = false): void {
  if (!isObj(body)) {
    e.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    return;
  }
  const type = body.type === undefined ? CommandType.ChatInput : body.type;
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4) {
    e.add([...path, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4}.');
    return;
  }
  const chatInput = type === CommandType.ChatInput;
  if (!(partial && body.name === undefined)) {
    if (chatInput) checkChatInputName(e, [...path, 'name'], body.name, 'Command');
    else badLen(e, [...path, 'name'], body.name, 1, Limits.commandName);
  }
  checkLocalizations([...path, 'name_localizations'], body.name_localizations, (p, v) =>
    chatInput ? checkChatInputName(e, p, v, 'Command') : badLen(e, p, v, 1, Limits.commandName),
  );
  if (chatInput) {
    if (!(partial && body.description === undefined)) badLen(e, [...path, 'description'], body.description, 1, Limits.commandDescription);
    checkLocalizations([...path, 'description_localizations'], body.description_localizations, (p, v) => badLen(e, p, v, 1, Limits.commandDescription));
    checkOptionList(e, body.options, [...path, 'options'], 'top');
  } else {
    if (typeof body.description === 'string' && body.description !== '') {
      e.add([...path, 'description'], 'APPLICATION_COMMAND_DESCRIPTION_INVALID', 'Description must be empty for user and message commands');
    }
    if (body.options !== undefined && !(Array.isArray(body.options) && body.options.length === 0)) {
      e.add([...path, 'options'], 'APPLICATION_COMMAND_OPTIONS_INVALID', 'Only CHAT_INPUT commands may have options');
    }
  }
  const dmp = body.default_member_permissions;
  if (dmp !== undefined && dmp !== null && !(typeof dmp === 'string' && /^\d+$/.test(dmp))) {
    e.add([...path, 'default_member_permissions'], 'BASE_TYPE_BAD_INT', 'Must be a permission bit set, as a decimal string.');
  }
  if (chatInput && commandSize(body) > Limits.commandSize) {
    e.add(path, 'APPLICATION_COMMAND_TOO_LARGE', `Command exceeds maximum size (${Limits.commandSize})`);
  }
}

/** The per-scope counts ("An app can have … 100 global CHAT_INPUT commands, 15 USER, 15 MESSAGE"; the same per guild). */
export function countLimitProblem(commands: ReadonlyArray<{ type?: unknown }>): string | undefined {
  const count = (t: number): number => commands.filter((c) => (c.type ?? 1) === t).length;
  if (count(CommandType.ChatInput) > Limits.globalChatInput) return `Maximum number of CHAT_INPUT commands reached (${Limits.globalChatInput})`;
  if (count(CommandType.User) > Limits.globalUser) return `Maximum number of USER commands reached (${Limits.globalUser})`;
  if (count(CommandType.Message) > Limits.globalMessage) return `Maximum number of MESSAGE commands reached (${Limits.globalMessage})`;
  return undefined;
}

/** A bulk overwrite (PUT) body: every command checked, names unique per type. */
export function checkCommandList(e: FormErrors, list: unknown): void {
  if (!Array.isArray(list)) {
    e.add([], 'BASE_TYPE_LIST', 'Must be a list');
    return;
  }
  const seen = new Set<string>();
  list.forEach((c, i) => {
    checkCommand(e, c, [i]);
    if (!isObj(c)) return;
    const key = `${String(c.type ?? 1)}:${String(c.name)}`;
    if (seen.has(key)) e.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique (${String(c.name)})`);
    seen.add(key);
  });
  const tooMany = countLimitProblem(list.filter(isObj));
  if (tooMany) e.add([], 'APPLICATION_COMMANDS_TOO_MANY', tooMany);
}
