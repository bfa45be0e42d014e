import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { holdsLease, LEASE_MS, mayTakeLease } from '../../core/lease';
import { SyncLeaseRepository } from '../persistence/SyncLeaseRepository';

/** Runs `fn` over the items with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(items: ReadonlyArray<T>, limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const out = new Array<R>(items.length);
	let next = 0;
	const worker = async (): Promise<void> => {
		for (;;) {
			const i = next++;
			if (i >= items.length) return;
			out[i] = await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return out;
}

/** JSON with object keys sorted, so equal content compares equal whatever the key order it arrived in. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) => {
		if (v && typeof v === 'object' && !Array.isArray(v)) {
			const sorted: Record<string, unknown> = {};
			for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
			return sorted;
		}
		return v;
	});
}

/** A random id for a run, a lease owner or a revision: time first, so ids sort roughly by creation. */
export function newRunId(now = Date.now()): string {
	return `${now.toString(36).padStart(9, '0')}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Takes the lease if nobody else holds a live one; true when this owner holds it after reading back. */
export async function takeLease(
	repo: SyncLeaseRepository,
	read: IPersistenceRead,
	persis: IPersistence,
	owner: string,
	now = Date.now(),
): Promise<boolean> {
	if (!mayTakeLease(await repo.list(read), owner, now)) return false;
	await repo.put(persis, { owner, until: now + LEASE_MS });
	if (holdsLease(await repo.list(read), owner, Date.now())) return true;
	await repo.remove(persis, owner);
	return false;
}

/** Removes this owner's lease and any expired one. */
export async function releaseLease(
	repo: SyncLeaseRepository,
	read: IPersistenceRead,
	persis: IPersistence,
	owner: string,
	now = Date.now(),
): Promise<void> {
	await repo.remove(persis, owner);
	for (const l of await repo.list(read)) if (l.until <= now) await repo.remove(persis, l.owner);
}
