export * from './types.js';
export * from './http.js';
export * from './crypto.js';
export * from './parse.js';
export * from './config.js';
export * from './social-extras.js';
export * from './oauth/index.js';
