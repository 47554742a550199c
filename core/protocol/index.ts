/** The gateway wire protocol: frames, event payloads, method params and results. */
export * from './frames.js';
export * from './events.js';
export * from './methods.js';
