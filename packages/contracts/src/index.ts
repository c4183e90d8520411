export * from './errors/catalog.js';
export { renderErrorDocs } from './errors/render-docs.js';
