export * from './errors/catalog.js';
export { renderErrorDocs } from './errors/render-docs.js';
export * from './events/catalog.js';
export * from './events/payloads.js';
