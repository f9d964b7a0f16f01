/**
 * Two kinds of failure (STYLE: one place handles them): a UserError is the
 * player's mistake or a game rule (not enough gems, bad id) and its message is
 * shown as is; anything else is logged with an id and the player sees only
 * the id and an apology.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** A wrong or missing argument: the dispatcher adds the command's usage line. */
export class ArgumentError extends UserError {
  constructor(message: string) {
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
