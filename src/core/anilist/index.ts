export * from './client.js';
export { RequestBudget, realSleep, type Sleep } from './budget.js';
