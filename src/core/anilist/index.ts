export { RequestBudget, realSleep, type Sleep } from './budget.js';
export * from './client.js';
