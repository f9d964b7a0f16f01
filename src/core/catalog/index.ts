export * from './types.js';
export * from './repo.js';
export * from './sync.js';
export * from './offline.js';
