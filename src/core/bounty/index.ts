export * from './board.js';
export * from './keys.js';
export * from './hunt.js';
export * from './gift.js';
