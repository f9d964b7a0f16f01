export * from './offline.js';
export * from './repo.js';
export * from './sync.js';
export * from './types.js';
