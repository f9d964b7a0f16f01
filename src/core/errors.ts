import { Text } from './text.js';

/**
 * Two kinds of failure (STYLE: one place handles them): a UserError is the
 * player's mistake or a game rule (not enough gems, bad id) and its text is
 * shown to the player, its command references rendered the way they invoked
 * the bot; anything else is logged with an id and the player sees only the
 * id and an apology. `message` is the text with the default `!` prefix, for
 * logs and tests.
 */
export class UserError extends Error {
  readonly text: Text;
  constructor(message: string | Text) {
    const t = typeof message === 'string' ? new Text([message]) : message;
    super(t.toString());
    this.text = t;
    this.name = 'UserError';
  }
}

/** A wrong or missing argument: the dispatcher adds the command's usage line. */
export class ArgumentError extends UserError {
  constructor(message: string | Text) {
    super(message);
    this.name = 'ArgumentError';
  }
}

export function errorId(): string {
  return crypto.randomUUID().slice(0, 8).toUpperCase();
}

/** A problem that must stop the bot at boot (bad content, bad setup), named precisely. */
export class BootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootError';
  }
}
