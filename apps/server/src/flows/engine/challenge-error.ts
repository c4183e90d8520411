import { AppError } from '../../errors/app-error.js';
import type { Challenge } from './types.js';

/**
 * How the direct API answers a sign-in that waits for a step: the step's catalogued error (e.g.
 * 1635 "second factor required") with its data and the flow token that continues it. A client
 * that cannot continue flows sees a refusal, never tokens.
 */
export const challengeError = (c: Challenge): AppError => new AppError(c.error, { data: { ...c.data, flowToken: c.flowToken, step: c.step } });
