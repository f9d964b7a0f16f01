export { UserError, ArgumentError, errorId } from '../core/errors.js';
