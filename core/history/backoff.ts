/**
 * When to try a failed delivery again. Pure: the caller passes the attempt number, the clock and
 * the randomness.
 */

export interface BackoffPolicy {
	/** Ceiling of the first wait, ms; it doubles with every attempt. */
	readonly baseMs: number;
	/** Largest wait, ms. */
	readonly maxMs: number;
	/** Largest `Retry-After` honoured, ms (a receiver asking for more is retried sooner). */
	readonly maxRetryAfterMs: number;
}

/** 1-2 s after the first failure, then 2-4 s, 4-8 s, ... up to 5-10 minutes. */
export const HISTORY_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 600_000, maxRetryAfterMs: 3_600_000 };

/**
 * Exponential backoff with "equal jitter": the ceiling doubles with each attempt; the wait is half
 * the ceiling plus a random share of the other half. The wait grows reliably (never near zero, as
 * with full jitter) while two instances or many apps failing at once still spread out.
 *
 * @param attempt the attempt that just failed, 1 for the first.
 * @param random in [0, 1).
 */
export function retryDelayMs(attempt: number, random: number, policy: BackoffPolicy = HISTORY_BACKOFF): number {
	const exponent = Math.min(Math.max(0, attempt - 1), 40);
	const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
	const r = Math.min(Math.max(random, 0), 1);
	return Math.round(ceiling / 2 + (r * ceiling) / 2);
}

/**
 * What follows a failed attempt: the time of the next one (the backoff, or the receiver's
 * `Retry-After` when it asks for longer) and whether this attempt was the last one allowed.
 */
export function afterFailure(input: {
	attempt: number;
	maxAttempts: number;
	now: number;
	random: number;
	retryAfterMs?: number;
	policy?: BackoffPolicy;
}): { retryAt: number; deadLetter: boolean } {
	const policy = input.policy ?? HISTORY_BACKOFF;
	const asked = input.retryAfterMs !== undefined && input.retryAfterMs > 0 ? Math.min(input.retryAfterMs, policy.maxRetryAfterMs) : 0;
	const wait = Math.max(retryDelayMs(input.attempt, input.random, policy), asked);
	return { retryAt: input.now + wait, deadLetter: input.attempt >= input.maxAttempts };
}

/** A `Retry-After` header (seconds or an HTTP date) in ms from `now`, or undefined. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
	const v = value?.trim();
	if (!v) return undefined;
	if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
	const at = Date.parse(v);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
