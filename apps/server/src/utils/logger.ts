/**
 * The logger type every layer may depend on (a leaf module: importing it pulls in nothing of
 * ours). Only the container constructs a logger (container/logger.ts).
 */
export type { Logger } from 'pino';
