/**
 * The lease: one run at a time of a job that must run alone (the sync applier, storing a snapshot,
 * chat-history delivery, points compaction), over app persistence, which has no compare-and-set.
 *
 * The rule is claim-then-check. A run inserts its own claim (never updated), then reads every claim of
 * the job, and goes ahead only if no other live claim exists; otherwise it removes its claim. Of two
 * runs, the one that reads second sees the other's claim (it was inserted before the other read, or
 * the other's read came after this insert), so at most one goes ahead. Both may step back: a run that
 * met a claim made at about the same time (a collision) retries after a randomised, growing pause, so
 * one of them wins on a later try; a run that met an older claim (a holder) gives up at once, or waits
 * for it within a budget when the caller asked to wait.
 *
 * Clocks of server instances differ: a claim counts as live until its end plus `CLOCK_SKEW_MS`, and a
 * run removes other runs' claims only once they are expired by that margin, so a holder whose clock is
 * behind is never cleared away while it works.
 *
 * What it guarantees, honestly: no overlap while every holder finishes before its claim's end, clocks
 * stay within the margin, and a read sees every insert that completed before it (one MongoDB primary).
 * A run held up past its claim (a paused process), a larger clock drift or a lagging read can still
 * let two runs overlap. So the lease makes overlap rare, and every job it guards is idempotent, which
 * makes overlap harmless: it only costs repeated work.
 *
 * The protocol is a generator of effects (insert, list, remove, sleep, read the clock, draw a random
 * number): pure, so a model test can run many callers in any interleaving; `adapters/lease.ts` carries
 * the effects out over persistence.
 */

export interface LeaseClaim {
	/** Unique per attempt: `<owner>.<attempt>`. */
	readonly id: string;
	readonly job: string;
	/** When the claim was made, on the claimer's clock (ms epoch). */
	readonly at: number;
	/** End of the claim on the claimer's clock: the holder's work must be done by then. */
	readonly until: number;
}

/** Largest difference between two instances' clocks the lease tolerates. */
export const CLOCK_SKEW_MS = 5_000;

/** Claims made within this time of each other are contenders; an older live claim is a holder. */
export const CONTENTION_MS = 2_000;

/** Time spent resolving collisions (two runs claiming at once), even for a caller that does not wait for a holder. */
export const COLLISION_BUDGET_MS = 1_500;

/** Pause before the first retry; each retry doubles it, up to `BACKOFF_CAP_MS`. */
const BACKOFF_BASE_MS = 40;
const BACKOFF_CAP_MS = 800;

export type LeaseVerdict =
	/** No other live claim: go ahead. */
	| 'go'
	/** An older live claim: another run holds the lease. */
	| 'held'
	/** Only claims made at about the same time (or this run's own claim not visible yet): try again. */
	| 'collision';

export interface LeaseOptions {
	/** How long a claim holds: longer than the work it guards, which must end before it. */
	ttlMs: number;
	/** How long to wait for a holder to finish (0: give up at once when the lease is held). */
	waitMs: number;
}

export type LeaseEffect =
	| { kind: 'now' }
	| { kind: 'random' }
	| { kind: 'insert'; claim: LeaseClaim }
	| { kind: 'list' }
	| { kind: 'remove'; id: string }
	| { kind: 'sleep'; ms: number };

/** Whether a claim still counts, on a clock that may be up to `skewMs` ahead of the claimer's. */
export function isLive(claim: LeaseClaim, now: number, skewMs = CLOCK_SKEW_MS): boolean {
	return claim.until + skewMs > now;
}

/** What the claims read back after inserting `mine` say, and the expired claims of others to clear away. */
export function judgeClaims(
	claims: ReadonlyArray<LeaseClaim>,
	mine: LeaseClaim,
	now: number,
	skewMs = CLOCK_SKEW_MS,
): { verdict: LeaseVerdict; expired: LeaseClaim[] } {
	const others = claims.filter((c) => c.job === mine.job && c.id !== mine.id);
	const live = others.filter((c) => isLive(c, now, skewMs));
	const expired = others.filter((c) => !isLive(c, now, skewMs));
	if (!claims.some((c) => c.id === mine.id)) return { verdict: 'collision', expired };
	if (live.length === 0) return { verdict: 'go', expired };
	if (live.some((c) => c.at < mine.at - CONTENTION_MS)) return { verdict: 'held', expired };
	return { verdict: 'collision', expired };
}

/** Pause before retry number `attempt` (0-based): exponential, capped, with half of it random ("equal jitter"). */
export function backoffMs(attempt: number, random: number): number {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
	return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

/**
 * The claim-then-check protocol for one run of `job`, as effects. Returns the claim this run holds,
 * or undefined when another run holds the lease (after waiting up to `waitMs`) or collisions went on
 * for longer than their budget.
 */
export function* acquireLease(job: string, owner: string, options: LeaseOptions): Generator<LeaseEffect, LeaseClaim | undefined, unknown> {
	const started = (yield { kind: 'now' }) as number;
	for (let attempt = 0; ; attempt++) {
		const at = (yield { kind: 'now' }) as number;
		const mine: LeaseClaim = { id: `${owner}.${attempt}`, job, at, until: at + options.ttlMs };
		yield { kind: 'insert', claim: mine };
		const claims = (yield { kind: 'list' }) as LeaseClaim[];
		const now = (yield { kind: 'now' }) as number;
		const { verdict, expired } = judgeClaims(claims, mine, now);
		for (const c of expired) yield { kind: 'remove', id: c.id };
		if (verdict === 'go') return mine;
		yield { kind: 'remove', id: mine.id };
		const budget = verdict === 'held' ? options.waitMs : Math.max(options.waitMs, COLLISION_BUDGET_MS);
		const pause = backoffMs(attempt, (yield { kind: 'random' }) as number);
		if (now - started + pause > budget) return undefined;
		yield { kind: 'sleep', ms: pause };
	}
}
