import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { RecordStore } from './RecordStore';

/** One run's claim on a job: never updated, removed when the run ends, ignored once expired. */
interface LeaseClaim {
	readonly id: string;
	readonly job: string;
	readonly until: number;
}

export interface Lease {
	release(): Promise<void>;
}

/**
 * Mutual exclusion for scheduled jobs that must not run twice at once (the scheduler runs a job once per cluster in
 * principle, but double runs happen). Persistence has no compare-and-set, so a run inserts its own claim and then
 * reads every claim of the job: it goes ahead only if no other live claim exists. Of two runs, the one that reads
 * second always sees the other's claim (it was inserted before the first run's read, or the first run would have seen
 * the second's), so at most one goes ahead; both may step back, and the next run tries again.
 */
export class JobLeaseRepository {
	private readonly claims = new RecordStore<LeaseClaim>('job-lease');

	async tryAcquire(read: IPersistenceRead, persis: IPersistence, job: string, ttlMs: number): Promise<Lease | undefined> {
		const now = Date.now();
		const mine: LeaseClaim = { id: `${job}:${now.toString(36)}:${Math.random().toString(36).slice(2, 10)}`, job, until: now + ttlMs };
		await this.claims.insert(persis, mine.id, mine, { job });
		const all = await this.claims.listByTag(read, 'job', job);
		const expired = all.filter((c) => c.until <= now);
		await Promise.all(expired.map((c) => this.claims.remove(persis, c.id)));
		const release = async () => this.claims.remove(persis, mine.id);
		if (all.some((c) => c.id !== mine.id && c.until > now)) {
			await release();
			return undefined;
		}
		return { release };
	}
}
