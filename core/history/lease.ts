/**
 * The delivery lease: one instance delivers at a time, as far as persistence without
 * compare-and-set allows. An instance writes its lease, reads the leases back, and delivers only if
 * its own is the winner. Two instances can still both win (each reads back before the other
 * writes); the outbox stays correct then (see ./outbox.ts), the lease only saves duplicate sends.
 */

export interface Lease {
	owner: string;
	until: number;
}

/** How long a lease lasts: longer than a run (bounded well inside the engine's 30 s call budget). */
export const LEASE_MS = 45_000;

/** The lease that counts: among those not expired, the smallest owner (the same answer on every instance). */
export function winningLease(leases: ReadonlyArray<Lease>, now: number): Lease | undefined {
	let best: Lease | undefined;
	for (const l of leases) {
		if (l.until <= now) continue;
		if (!best || l.owner < best.owner) best = l;
	}
	return best;
}

/** Whether `owner` may take the lease: nobody else holds a live one. */
export function mayTakeLease(leases: ReadonlyArray<Lease>, owner: string, now: number): boolean {
	const w = winningLease(leases, now);
	return !w || w.owner === owner;
}

/** Whether `owner` holds the lease, after writing it and reading the leases back. */
export function holdsLease(leases: ReadonlyArray<Lease>, owner: string, now: number): boolean {
	return winningLease(leases, now)?.owner === owner;
}
