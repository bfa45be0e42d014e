import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { acquireLease, LeaseClaim, LeaseEffect, LeaseOptions } from '../core/lease';
import { newId } from './ids';
import { RecordStore } from './persistence/RecordStore';

/** The jobs that run alone, each with its own lease. */
export type LeaseJob = 'sync-apply' | 'sync-desired' | 'history-delivery' | 'points-compaction';

export interface Lease {
	readonly job: LeaseJob;
	/** End of the claim (ms epoch): the work must be done before. */
	readonly until: number;
	release(): Promise<void>;
}

export interface LeaseDeps {
	now?: () => number;
	random?: () => number;
	sleep?: (ms: number) => Promise<void>;
}

/** Claims of every job, one record each, listed by job (`core/lease.ts` says how they are used). */
const CLAIMS_AGGREGATE = 'job-lease';

/**
 * Takes the job's lease (the claim-then-check protocol of core/lease.ts, carried out over app
 * persistence): the lease, or undefined when another run holds it (after waiting up to
 * `options.waitMs`). Release it in a `finally`.
 */
export async function takeLease(
	read: IPersistenceRead,
	persis: IPersistence,
	job: LeaseJob,
	options: LeaseOptions,
	deps: LeaseDeps = {},
): Promise<Lease | undefined> {
	const now = deps.now ?? (() => Date.now());
	const random = deps.random ?? Math.random;
	const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
	const claims = new RecordStore<LeaseClaim>(CLAIMS_AGGREGATE);
	const owner = newId('', now(), random);
	const protocol = acquireLease(job, owner, options);
	const perform = async (effect: LeaseEffect): Promise<unknown> => {
		switch (effect.kind) {
			case 'now':
				return now();
			case 'random':
				return random();
			case 'insert':
				return claims.insert(persis, effect.claim.id, effect.claim, { job });
			case 'list':
				return claims.listByTag(read, 'job', job);
			case 'remove':
				return claims.remove(persis, effect.id);
			case 'sleep':
				return sleep(effect.ms);
		}
	};
	let step = protocol.next();
	while (!step.done) step = protocol.next(await perform(step.value));
	const mine = step.value;
	if (!mine) return undefined;
	return { job, until: mine.until, release: () => claims.remove(persis, mine.id) };
}
