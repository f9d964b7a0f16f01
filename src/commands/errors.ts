export { ArgumentError, errorId, UserError } from '../core/errors.js';
