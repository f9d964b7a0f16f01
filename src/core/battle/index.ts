export * from './npc.js';
export * from './record.js';
export * from './service.js';
export * from './snapshot.js';
