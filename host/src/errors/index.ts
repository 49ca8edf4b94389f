export * from './host-error.js';
export * from './capability-denied.js';
export * from './plugin-errors.js';
export * from './plugin-output.js';
