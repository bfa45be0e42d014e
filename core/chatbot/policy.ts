/**
 * Award policy (pure): which of the awards parsed from one message are accepted, and why the others are refused.
 *
 * The shell resolves the mentioned usernames (see {@link usernamesToResolve}), loads the recent award records that matter
 * (see {@link PolicyInput.recent}), calls {@link decideAwards} with its clock reading, writes one ledger record per
 * accepted award (ledger.ts, {@link toAwardRecords}) and tells the giver, and only the giver, why the others were refused
 * (except the silent codes, see {@link isSilentRefusal}).
 *
 * Rules, applied to each award in the order of the message:
 * 1. `message-too-old`: the message was created more than {@link MAX_AWARD_AGE_MS} before `now` (a restart replaying
 *    old messages, or a very late duplicate). Silent. This bound is also what makes ledger compaction safe (ledger.ts).
 * 2. `already-counted`: this message id already has award records (the handler saw it before: two instances, a retry,
 *    an edit). Silent: the giver was answered the first time.
 * 3. `unknown-user`: the username did not resolve to an existing user.
 * 4. `self-points`: the receiver is the giver.
 * 5. `duplicate-in-message`: the same receiver was mentioned earlier in this message (whatever happened to that earlier
 *    award); `@jane++ @Jane--` gives jane one award, the first.
 * 6. `cool-down`: the giver gave this receiver an award (plus or minus alike) less than the cool-down ago; the refusal
 *    carries the remaining time. A cool-down of 0 disables the rule.
 * 7. `too-many-in-message`: the message already has the configured maximum of accepted awards; the refusal carries the
 *    maximum. Awards refused for other reasons do not use the quota.
 */
import type { ParsedAward } from './points';

/** A user as the shell resolved it: `id` keys the ledger, `username` is shown. */
export interface UserRef {
	readonly id: string;
	readonly username: string;
}

/** The part of a ledger record the policy needs (an {@link AwardRecord} fits). */
export interface RecentAward {
	readonly messageId: string;
	readonly giver: string;
	readonly receiver: string;
	readonly ts: number;
}

/** Same names as `AppConfig['chatbot']`, so the shell can pass `config.chatbot` as is. */
export interface PointsLimits {
	/** Accepted awards per message, at least 1. */
	readonly maxPointsPerMessage: number;
	/** Cool-down per (giver, receiver) pair in milliseconds; 0 disables it. */
	readonly pointsCooldownMs: number;
}

export interface PolicyInput {
	readonly messageId: string;
	/** When the message was created (server time, ms). Becomes the records' `ts`. */
	readonly messageTs: number;
	readonly giver: UserRef;
	readonly awards: readonly ParsedAward[];
	/** Each parsed username (exactly as parsed) that resolved to an existing user. Missing keys are unknown users. */
	readonly users: ReadonlyMap<string, UserRef>;
	readonly limits: PointsLimits;
	/**
	 * Award records that can affect this decision: every record of this message id, and the giver's records newer than
	 * `now - pointsCooldownMs`. Anything else is ignored, so passing more is harmless.
	 */
	readonly recent: readonly RecentAward[];
	/** The shell's clock reading, ms. */
	readonly now: number;
}

export type RefusalCode =
	'message-too-old' | 'already-counted' | 'unknown-user' | 'self-points' | 'duplicate-in-message' | 'cool-down' | 'too-many-in-message';

export type Refusal =
	| { readonly code: 'message-too-old' | 'already-counted' | 'unknown-user' | 'self-points' | 'duplicate-in-message' }
	| { readonly code: 'cool-down'; readonly remainingMs: number }
	| { readonly code: 'too-many-in-message'; readonly max: number };

export interface AcceptedAward {
	readonly receiver: UserRef;
	readonly delta: 1 | -1;
	readonly reason?: string;
}

export interface RefusedAward {
	readonly award: ParsedAward;
	/** The resolved receiver, when there is one. */
	readonly receiver?: UserRef;
	readonly refusal: Refusal;
}

export interface AwardDecision {
	/** In message order. */
	readonly accepted: readonly AcceptedAward[];
	/** In message order. */
	readonly refused: readonly RefusedAward[];
}

/** Awards for messages older than this (relative to `now`) are refused silently. */
export const MAX_AWARD_AGE_MS = 60 * 60 * 1000;

/** Refusals the giver is not told about. */
export function isSilentRefusal(refusal: Refusal): boolean {
	return refusal.code === 'message-too-old' || refusal.code === 'already-counted';
}

/** The distinct usernames the shell must look up before calling {@link decideAwards}, in message order. */
export function usernamesToResolve(awards: readonly ParsedAward[]): string[] {
	return [...new Set(awards.map((a) => a.username))];
}

export function decideAwards(input: PolicyInput): AwardDecision {
	const { giver, limits, now } = input;
	const accepted: AcceptedAward[] = [];
	const refused: RefusedAward[] = [];
	const max = Math.max(1, Math.floor(limits.maxPointsPerMessage));
	const cooldown = Math.max(0, limits.pointsCooldownMs);

	const tooOld = !(now - input.messageTs <= MAX_AWARD_AGE_MS);
	const counted = input.recent.some((r) => r.messageId === input.messageId);
	/** receiver id -> latest award ts from this giver, within the cool-down window. */
	const lastGiven = new Map<string, number>();
	if (cooldown > 0) {
		for (const r of input.recent) {
			if (r.giver !== giver.id || r.messageId === input.messageId || !(r.ts > now - cooldown)) continue;
			const prev = lastGiven.get(r.receiver);
			if (prev === undefined || r.ts > prev) lastGiven.set(r.receiver, r.ts);
		}
	}
	const seen = new Set<string>();
	for (const award of input.awards) {
		const receiver = input.users.get(award.username);
		const refuse = (refusal: Refusal): void => {
			refused.push(receiver ? { award, receiver, refusal } : { award, refusal });
		};
		if (tooOld) {
			refuse({ code: 'message-too-old' });
			continue;
		}
		if (counted) {
			refuse({ code: 'already-counted' });
			continue;
		}
		if (!receiver) {
			refuse({ code: 'unknown-user' });
			continue;
		}
		if (receiver.id === giver.id) {
			refuse({ code: 'self-points' });
			continue;
		}
		if (seen.has(receiver.id)) {
			refuse({ code: 'duplicate-in-message' });
			continue;
		}
		seen.add(receiver.id);
		const last = lastGiven.get(receiver.id);
		if (last !== undefined) {
			// A record stamped in the future (another instance's clock) waits at most one full cool-down.
			refuse({ code: 'cool-down', remainingMs: Math.min(cooldown, last + cooldown - now) });
			continue;
		}
		if (accepted.length >= max) {
			refuse({ code: 'too-many-in-message', max });
			continue;
		}
		accepted.push(
			award.reason === undefined ? { receiver, delta: award.delta } : { receiver, delta: award.delta, reason: award.reason },
		);
	}
	return { accepted, refused };
}
