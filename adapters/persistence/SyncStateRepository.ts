import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { DestructiveCounts } from '../../core/sync/gate';
import { OpPosition } from '../../core/sync/order';
import { OpKind, Summary } from '../../core/sync/types';
import { RecordStore } from './RecordStore';

export type OpCounts = Partial<Record<OpKind, number>>;

/** One failed operation, kept as a sample for the status (the log has every one). */
export interface FailureSample {
	kind: OpKind;
	externalId?: string;
	/** Group key or role name. */
	scope?: string;
	message: string;
	reference?: string;
	at: number;
}

/**
 * The sync pass in progress: a walk through the plan over one or more runs, each resuming after
 * `cursor`. Written only by the run holding the lease, so its counters are never written by two
 * instances at once.
 */
export interface PassRecord {
	passId: string;
	startedAt: number;
	lastRunAt: number;
	/** Position of the last operation handled (applied, failed or skipped); null before the first. */
	cursor: OpPosition | null;
	/** What the safety gate approved for this pass (core/sync/gate.ts). */
	approval: DestructiveCounts;
	basis: 'safe' | 'confirmed' | 'approved-pass';
	/** Fingerprint and summary of the plan when the pass started (conflicts capped). */
	fingerprint: string;
	plan: Summary;
	conflictCount: number;
	/** The desired-state revision the pass started from. */
	desiredRev: string | null;
	runs: number;
	/** Time spent in the pass's runs, and the longest run (ms). */
	workMs: number;
	longestRunMs: number;
	applied: OpCounts;
	failed: OpCounts;
	/** Operations skipped because what they depend on failed earlier (a new account or room). */
	skipped: number;
	failures: FailureSample[];
	/** Operations after the cursor when the last run stopped. */
	remaining: number;
	/** Key of an operation that failed transiently (server error, network) in the last run: it is retried once. */
	transientKey?: string;
}

/** A finished pass, as `status` shows it. */
export interface PassReport extends PassRecord {
	finishedAt: number;
}

/** Why the sync stopped before writing; it waits for a confirmation of `fingerprint` or a safe plan. */
export interface HaltRecord {
	at: number;
	fingerprint: string;
	reasons: string[];
	plan: Summary;
	conflictCount: number;
}

export interface ConfirmRecord {
	fingerprint: string;
	by: string;
	at: number;
}

/** The last fetch of the pull feed. */
export interface FeedStatus {
	at: number;
	ok: boolean;
	error?: string;
	people?: number;
	groups?: number;
}

/** Changes whenever the desired state does (any push). */
export interface DesiredRevision {
	rev: string;
	at: number;
}

/** A one-off run is scheduled for `at` (so a burst of pushes schedules one run, not one each). */
export interface RunRequest {
	at: number;
}

/** When the recurring sync last ran (the next run follows it by the interval). */
export interface ScheduleRecord {
	lastRecurringRunAt: number;
}

export interface RunPhases {
	readMs: number;
	planMs: number;
	applyMs: number;
}

/** The last run of the sync, whatever it did. */
export interface LastRunRecord {
	at: number;
	durationMs: number;
	trigger: string;
	outcome: 'applied' | 'finished' | 'halted' | 'busy' | 'reading' | 'failed' | 'dry-run';
	message?: string;
	/** The plan of a dry run (dry-run-only setting), for the status. */
	plan?: Summary;
	/** Where the time went (ms): reading the desired and actual state, planning, applying. */
	phases?: RunPhases;
}

type Keyed = {
	pass: PassRecord;
	last: PassReport;
	halt: HaltRecord;
	confirm: ConfirmRecord;
	feed: FeedStatus;
	desired: DesiredRevision;
	requested: RunRequest;
	schedule: ScheduleRecord;
	run: LastRunRecord;
};

/** The sync's own bookkeeping: one record per key (pass, last report, halt, confirmation, feed, schedule...). */
export class SyncStateRepository {
	private readonly store = new RecordStore<object>('sync-state');

	async get<K extends keyof Keyed>(read: IPersistenceRead, key: K): Promise<Keyed[K] | undefined> {
		return (await this.store.get(read, key)) as Keyed[K] | undefined;
	}

	/** Every record at once (reads in parallel), for the status. */
	async all(read: IPersistenceRead): Promise<Partial<Keyed>> {
		const keys = ['pass', 'last', 'halt', 'confirm', 'feed', 'desired', 'requested', 'schedule', 'run'] as const;
		const values = await Promise.all(keys.map((key) => this.store.get(read, key)));
		const out: Record<string, unknown> = {};
		keys.forEach((key, i) => {
			if (values[i] !== undefined) out[key] = values[i];
		});
		return out;
	}

	put<K extends keyof Keyed>(persis: IPersistence, key: K, value: Keyed[K]): Promise<void> {
		return this.store.put(persis, key, value);
	}

	remove(persis: IPersistence, key: keyof Keyed): Promise<void> {
		return this.store.remove(persis, key);
	}
}
