export * from './admin.js';
export * from './banner.js';
export * from './pull.js';
export * from './roll.js';
export * from './spark.js';
export * from './verify.js';
