/**
 * The sync lease: one instance applies a plan at a time, as far as persistence without
 * compare-and-set allows. An instance reads the leases, takes one only if nobody else holds a live
 * one, writes it, reads them back, and goes on only if its own is the winner (the same answer on
 * every instance). Two instances can still both go on when each reads back before the other writes;
 * the applier is idempotent, so that costs repeated calls, never a wrong state.
 */

export interface SyncLease {
	readonly owner: string;
	/** Expiry (ms epoch): longer than a run, so a crashed run frees the lease by itself. */
	readonly until: number;
}

/** A run is bounded well inside the engine's 30 s call budget; the lease outlives it. */
export const SYNC_LEASE_MS = 45_000;

/** Among the live leases, the smallest owner. */
export function winningLease(leases: ReadonlyArray<SyncLease>, now: number): SyncLease | undefined {
	let best: SyncLease | undefined;
	for (const l of leases) {
		if (l.until <= now) continue;
		if (!best || l.owner < best.owner) best = l;
	}
	return best;
}

/** Before writing: nobody else holds a live lease. */
export function mayTakeLease(leases: ReadonlyArray<SyncLease>, owner: string, now: number): boolean {
	const w = winningLease(leases, now);
	return !w || w.owner === owner;
}

/** After writing and reading back: this owner's lease is the winner. */
export function holdsLease(leases: ReadonlyArray<SyncLease>, owner: string, now: number): boolean {
	return winningLease(leases, now)?.owner === owner;
}
