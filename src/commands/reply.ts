/**
 * Platform-neutral replies. A command returns these; the Discord adapter and
 * the playground each render them. Images are attachments referenced from
 * embeds as `attachment://name.ext`, exactly as on Discord; commands ask for
 * them as image jobs (`images`) that the dispatcher draws.
 */
export interface EmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface Embed {
  title?: string;
  description?: string;
  fields?: EmbedField[];
  color?: number;
  /** `attachment://<name>` of one of the reply's attachments, or an https URL. */
  image?: string;
  thumbnail?: string;
  footer?: string;
}

export interface Attachment {
  name: string;
  data: Buffer;
  contentType: string;
}

export type ButtonStyle = 'primary' | 'secondary' | 'success' | 'danger';

export interface Button {
  type: 'button';
  customId: string;
  label: string;
  style?: ButtonStyle;
  emoji?: string;
  disabled?: boolean;
}

export interface SelectOption {
  label: string;
  value: string;
  description?: string;
  emoji?: string;
}

export interface Select {
  type: 'select';
  customId: string;
  placeholder?: string;
  options: SelectOption[];
  minValues?: number;
  maxValues?: number;
  disabled?: boolean;
}

export type Component = Button | Select;

/** What a player sees after a component is used; see `View`. */
export interface ComponentUse {
  userId: string;
  username: string;
  customId: string;
  values: string[];
}

export interface ViewResult {
  /** New content for the view's own message (components included). */
  update?: Reply;
  /** Further messages in the channel. */
  followUps?: Reply[];
  /** A message only the clicking player sees. */
  ephemeral?: Reply;
  /** The view is finished: its components are disabled and it stops listening. */
  done?: boolean;
}

/**
 * Interactive state attached to a reply (pagination, pickers, confirm
 * buttons). Written once; both platforms route component presses to `handle`.
 * Only `ownerId` may use it; presses while one is handled are ignored; after
 * `timeoutMs` of no use the components are disabled.
 */
export interface View {
  ownerId: string;
  timeoutMs: number;
  handle(use: ComponentUse): Promise<ViewResult>;
}

/** A typed answer the command waits for ("type `confirm` within 15 s"). */
export interface TextPrompt {
  userId: string;
  timeoutMs: number;
  /** Called with the next message that user sends in the channel before the timeout. */
  handle(text: string): Promise<Reply[]>;
  /** Shown when nothing came in time (optional). */
  onTimeout?: Reply;
}

/**
 * A picture a reply shows, drawn after the command's changes are committed.
 * The dispatcher draws every job under one policy (src/commands/images.ts):
 * the result is attached as `<name>.<format>` and shown in the embed; a
 * drawing that fails leaves a line saying so, never an error.
 */
export interface ImageJob {
  /** File name without extension, e.g. `battle`. */
  name: string;
  /** What the picture shows, for the line a player reads when it can't be drawn: `the battle picture`. */
  what: string;
  /** Which embed shows it (default: the first). */
  embed?: number;
  render(): Promise<Buffer>;
}

export interface Reply {
  content?: string;
  embeds?: Embed[];
  attachments?: Attachment[];
  /**
   * An edit that keeps the files the message already has, without sending them again: a view keeps
   * its message's reply this way (to disable its buttons when it expires) and lets the image data go.
   */
  keepFiles?: boolean;
  /** Pictures still to draw; the dispatcher turns them into attachments. */
  images?: ImageJob[];
  /** Rows of components (Discord: at most 5 rows, 5 buttons or 1 select each). */
  components?: Component[][];
  ephemeral?: boolean;
  /** A warning or an apology: where the surface allows it (slash commands), only the player sees it. */
  error?: boolean;
  view?: View;
  prompt?: TextPrompt;
}

export const Colors = {
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  error: 0xed4245,
  R: 0x9ca3af,
  SR: 0xda70d6,
  SSR: 0xf5c542,
  UR: 0xff4d6d,
} as const;

export function textReply(content: string): Reply {
  return { content };
}

/** The same reply with every component disabled (expired or finished views). */
export function disableComponents(reply: Reply): Reply {
  return {
    ...reply,
    components: reply.components?.map((row) => row.map((c) => ({ ...c, disabled: true }))),
    view: undefined,
  };
}
