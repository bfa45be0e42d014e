/**
 * A lease over app persistence, which has no compare-and-set: one server instance at a time does a
 * job (delivering chat history, applying a sync plan), as far as that allows. An instance reads the
 * leases, takes one only if nobody else holds a live one, writes it, reads them back, and goes on
 * only if its own is the winner (the same answer on every instance). Two instances can still both
 * go on when each reads back before the other writes: the jobs using a lease are correct then too
 * (the outbox never removes what it did not send; the applier is idempotent), the lease only saves
 * repeated work.
 */
export interface Lease {
	readonly owner: string;
	/** Expiry (ms epoch): longer than a run, so a crashed run frees the lease by itself. */
	readonly until: number;
}

/** A run is bounded well inside the engine's 30 s call budget; the lease outlives it. */
export const LEASE_MS = 45_000;

/** The lease that counts: among those not expired, the smallest owner. */
export function winningLease(leases: ReadonlyArray<Lease>, now: number): Lease | undefined {
	let best: Lease | undefined;
	for (const l of leases) {
		if (l.until <= now) continue;
		if (!best || l.owner < best.owner) best = l;
	}
	return best;
}

/** Before writing: nobody else holds a live lease. */
export function mayTakeLease(leases: ReadonlyArray<Lease>, owner: string, now: number): boolean {
	const w = winningLease(leases, now);
	return !w || w.owner === owner;
}

/** After writing and reading back: this owner's lease is the winner. */
export function holdsLease(leases: ReadonlyArray<Lease>, owner: string, now: number): boolean {
	return winningLease(leases, now)?.owner === owner;
}
