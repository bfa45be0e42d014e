/**
 * The safety gate of a sync run, as a pure decision: may this run write, given the safety verdict on
 * its plan, what was already approved for the pass it continues, and what an admin confirmed?
 *
 * A pass is a walk through the plan from the first operation to the last, possibly over several
 * processor runs (each re-plans and resumes after the stored cursor). It is approved once: when its
 * first run finds the plan safe, or an admin confirmed that exact plan (by fingerprint). Later runs of
 * the same pass re-plan: operations already applied are gone, so the destructive counts only shrink.
 * If any of them grows (the desired state changed mid-pass and now removes more), the approval no
 * longer covers the plan and the safety check runs again on it.
 */
import { SafetyFigures, SafetyVerdict } from './safety';

/** What a plan takes away, by the categories of the safety valve. */
export interface DestructiveCounts {
	readonly memberships: number;
	readonly roleAssignments: number;
	readonly accounts: number;
	readonly rooms: number;
	/** Accounts granted a role (not destructive, but privileges: counted like the others). Absent in approvals stored before. */
	readonly roleGrants?: number;
}

export function destructiveCounts(f: SafetyFigures): DestructiveCounts {
	return {
		memberships: f.membershipsRemoved,
		roleAssignments: f.roleAssignmentsRemoved,
		accounts: f.accountsDeactivated,
		rooms: f.roomsLost,
		roleGrants: f.accountsGranted,
	};
}

/** Whether every count of `a` is at most the same count of `b`. */
export function withinCounts(a: DestructiveCounts, b: DestructiveCounts): boolean {
	return (
		a.memberships <= b.memberships &&
		a.roleAssignments <= b.roleAssignments &&
		a.accounts <= b.accounts &&
		a.rooms <= b.rooms &&
		(a.roleGrants ?? 0) <= (b.roleGrants ?? 0)
	);
}

export type GateDecision =
	| {
			readonly proceed: true;
			/** Why: the plan is safe, an admin confirmed it, or the pass it continues was approved and it takes no more. */
			readonly basis: 'safe' | 'confirmed' | 'approved-pass';
			/** The approval to store for the rest of the pass (the current counts: later runs may only take less). */
			readonly approval: DestructiveCounts;
	  }
	| { readonly proceed: false; readonly reasons: ReadonlyArray<string> };

export interface GateInput {
	readonly verdict: SafetyVerdict;
	/** `planFingerprint` of the plan being gated. */
	readonly fingerprint: string;
	/** The approval of the pass this run continues; null when the run starts a pass. */
	readonly approval: DestructiveCounts | null;
	/** The fingerprint an admin confirmed with `/integration sync confirm`, if any. */
	readonly confirmed: string | null;
}

export function gate(input: GateInput): GateDecision {
	const counts = destructiveCounts(input.verdict.figures);
	if (input.approval !== null && withinCounts(counts, input.approval)) return { proceed: true, basis: 'approved-pass', approval: counts };
	if (input.verdict.safe) return { proceed: true, basis: 'safe', approval: counts };
	if (input.confirmed !== null && input.confirmed === input.fingerprint) return { proceed: true, basis: 'confirmed', approval: counts };
	return { proceed: false, reasons: input.verdict.reasons };
}

/**
 * Counts up to this never trip the share limits (`checkSafety`'s `minimumCount`), so a small org can
 * lose a member or a room without an admin's confirmation. A limit of 0 % means "confirm every
 * removal" and keeps no floor. The empty-feed and truncated-feed checks do not depend on it.
 */
export const SAFETY_MINIMUM_COUNT = 10;

export function safetyFloor(safetyLimit: number): number {
	return safetyLimit > 0 ? SAFETY_MINIMUM_COUNT : 0;
}
