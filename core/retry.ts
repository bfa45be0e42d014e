/**
 * When to retry a call to Rocket.Chat's REST API, and after how long. Pure: the caller passes the
 * clock, the randomness and what happened.
 */

export type Outcome =
	| { kind: 'status'; status: number; retryAfterHeader?: string; rateLimitResetHeader?: string }
	| { kind: 'network' }
	| { kind: 'timeout' };

export interface RetryInput {
	outcome: Outcome;
	/** Attempts made so far (1 after the first call). */
	attempt: number;
	maxAttempts: number;
	/** Whether repeating the request cannot do harm (reads, and writes that converge). */
	idempotent: boolean;
	now: number;
	/** Time left in the call's budget, ms. */
	remainingMs: number;
	/** In [0, 1). */
	random: number;
	baseDelayMs?: number;
	maxDelayMs?: number;
}

export type RetryDecision =
	{ retry: true; delayMs: number } | { retry: false; reason: 'success' | 'not-retryable' | 'attempts' | 'budget'; waitMs?: number };

/** How long Rocket.Chat asks us to wait on a 429: Retry-After (seconds or date), else X-RateLimit-Reset (ms epoch). */
export function serverWaitMs(outcome: Outcome, now: number): number | undefined {
	if (outcome.kind !== 'status') return undefined;
	const ra = outcome.retryAfterHeader?.trim();
	if (ra) {
		if (/^\d+(\.\d+)?$/.test(ra)) return Math.max(0, Number(ra) * 1000);
		const at = Date.parse(ra);
		if (!Number.isNaN(at)) return Math.max(0, at - now);
	}
	const reset = outcome.rateLimitResetHeader?.trim();
	if (reset && /^\d+$/.test(reset)) {
		const n = Number(reset);
		// Rocket.Chat sends milliseconds since the epoch; tolerate seconds too.
		const at = n < 1e12 ? n * 1000 : n;
		return Math.max(0, at - now);
	}
	return undefined;
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))]. */
export function backoffMs(attempt: number, random: number, baseDelayMs = 250, maxDelayMs = 5000): number {
	const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
	return Math.floor(random * ceiling);
}

export function decideRetry(input: RetryInput): RetryDecision {
	const { outcome, attempt, maxAttempts, idempotent, now, remainingMs, random } = input;
	if (outcome.kind === 'status' && outcome.status < 400) return { retry: false, reason: 'success' };

	let delay: number;
	if (outcome.kind === 'status' && outcome.status === 429) {
		// Refused before doing anything: always safe to repeat, after the wait the server asks for.
		const asked = serverWaitMs(outcome, now);
		delay =
			asked !== undefined
				? asked + Math.floor(random * 250)
				: backoffMs(attempt, random, input.baseDelayMs ?? 1000, input.maxDelayMs ?? 30_000);
		if (attempt >= maxAttempts) return { retry: false, reason: 'attempts', waitMs: asked };
		if (delay >= remainingMs) return { retry: false, reason: 'budget', waitMs: asked ?? delay };
		return { retry: true, delayMs: delay };
	}

	const transient = outcome.kind !== 'status' || outcome.status >= 500;
	if (!transient || !idempotent) return { retry: false, reason: 'not-retryable' };
	if (attempt >= maxAttempts) return { retry: false, reason: 'attempts' };
	delay = backoffMs(attempt, random, input.baseDelayMs, input.maxDelayMs);
	if (delay >= remainingMs) return { retry: false, reason: 'budget' };
	return { retry: true, delayMs: delay };
}
