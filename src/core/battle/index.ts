export * from './npc.js';
export * from './snapshot.js';
export * from './record.js';
export * from './service.js';
