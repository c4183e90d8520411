import { Type, type Static } from '@sinclair/typebox';

/** The console connectors take no settings. */
export const ConsoleConfigSchema = Type.Object({}, { additionalProperties: false });
export type ConsoleConfig = Static<typeof ConsoleConfigSchema>;
