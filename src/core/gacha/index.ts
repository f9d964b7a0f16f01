export * from './roll.js';
export * from './banner.js';
export * from './pull.js';
export * from './spark.js';
export * from './verify.js';
export * from './admin.js';
