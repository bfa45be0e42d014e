import { IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AppConfig } from '../../core/config';
import { OpCounts, PassRecord, SyncStateRepository } from '../../adapters/persistence/SyncStateRepository';

const iso = (ms: number | undefined | null): string | null => (typeof ms === 'number' && ms > 0 ? new Date(ms).toISOString() : null);

export interface SyncStatusView {
	intervalMinutes: number;
	dryRunOnly: boolean;
	feed: { url: boolean; lastFetchAt: string | null; ok: boolean | null; error: string | null };
	lastRun: {
		at: string | null;
		durationMs: number;
		trigger: string;
		outcome: string;
		message: string | null;
		/** Where the time of the run went (ms): reading, planning, applying. */
		phases: { readMs: number; planMs: number; applyMs: number } | null;
	} | null;
	lastPass: PassView | null;
	current: PassView | null;
	halted: { since: string | null; reasons: string[]; fingerprint: string; plan: unknown; conflictCount: number } | null;
	/** When the next run is due: a scheduled continuation or push run, else the next recurring run. */
	nextRunAt: string | null;
	desiredChangedAt: string | null;
}

export interface PassView {
	startedAt: string | null;
	finishedAt: string | null;
	/** Wall time from the first run to the last (finished passes), and the time spent in runs. */
	durationMs: number | null;
	workMs: number;
	runs: number;
	longestRunMs: number;
	applied: OpCounts;
	failed: OpCounts;
	skipped: number;
	conflicts: number;
	remaining: number;
	plan: unknown;
	failures: Array<{ kind: string; externalId?: string; scope?: string; message: string; reference?: string; at: string | null }>;
}

function passView(p: PassRecord & { finishedAt?: number }): PassView {
	return {
		startedAt: iso(p.startedAt),
		finishedAt: iso(p.finishedAt),
		durationMs: p.finishedAt ? p.finishedAt - p.startedAt : null,
		workMs: p.workMs,
		runs: p.runs,
		longestRunMs: p.longestRunMs,
		applied: p.applied,
		failed: p.failed,
		skipped: p.skipped,
		conflicts: p.conflictCount,
		remaining: p.remaining,
		plan: p.plan,
		failures: p.failures.map((f) => ({ ...f, at: iso(f.at) })),
	};
}

/** The sync's state for `GET status` and `/integration status`: last run and pass, halt, pending work, next run. */
export async function syncStatus(read: IPersistenceRead, config: AppConfig, now = Date.now()): Promise<SyncStatusView> {
	const s = await new SyncStateRepository().all(read);
	const intervalMs = config.sync.intervalMinutes * 60_000;
	const candidates: number[] = [];
	if (s.requested) candidates.push(Math.max(s.requested.at, now));
	if (s.schedule) {
		let next = s.schedule.lastRecurringRunAt + intervalMs;
		if (next < now) next = now;
		candidates.push(next);
	}
	return {
		intervalMinutes: config.sync.intervalMinutes,
		dryRunOnly: config.sync.dryRunOnly,
		feed: {
			url: config.sync.feedUrl !== null,
			lastFetchAt: iso(s.feed?.at),
			ok: s.feed ? s.feed.ok : null,
			error: s.feed?.error ?? null,
		},
		lastRun: s.run
			? {
					at: iso(s.run.at),
					durationMs: s.run.durationMs,
					trigger: s.run.trigger,
					outcome: s.run.outcome,
					message: s.run.message ?? null,
					phases: s.run.phases ?? null,
				}
			: null,
		lastPass: s.last ? passView(s.last) : null,
		current: s.pass ? passView(s.pass) : null,
		halted: s.halt
			? {
					since: iso(s.halt.at),
					reasons: s.halt.reasons,
					fingerprint: s.halt.fingerprint,
					plan: s.halt.plan,
					conflictCount: s.halt.conflictCount,
				}
			: null,
		nextRunAt: candidates.length > 0 ? iso(Math.min(...candidates)) : null,
		desiredChangedAt: iso(s.desired?.at),
	};
}
