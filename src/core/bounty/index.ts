export * from './board.js';
export * from './gift.js';
export * from './hunt.js';
export * from './keys.js';
