import { ILogger, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IJobContext } from '@rocket.chat/apps-engine/definition/scheduler';

import { takeLease } from '../../adapters/lease';
import { PointsLedgerRepository } from '../../adapters/persistence/PointsLedgerRepository';
import { AwardRecord, planCompaction, PointsSnapshot } from '../../core/chatbot/ledger';

export const POINTS_COMPACTION_JOB = 'points-compaction';
/** The job's clock is rounded down to this, so two runs fired together (a double run) plan exactly the same thing. */
export const CLOCK_STEP_MS = 15 * 60 * 1000;
/** Receivers per chunk; the run stops after the chunk that passes the time budget and the next run goes on. */
const CHUNK = 200;
const BUDGET_MS = 20_000;
/** A run's claim expires after this, so a run that crashed does not block the job for long. */
const LEASE_MS = 10 * 60 * 1000;

/**
 * Folds old award records into one snapshot per receiver (core/chatbot/ledger.ts `planCompaction`), hourly, so the
 * ledger does not grow with every award ever given. Applies each plan as the core requires: snapshots first, then the
 * deletions; stopping anywhere in between is safe.
 *
 * Double runs: the scheduler runs a job once per cluster in principle, but double runs happen, and the core's
 * invariants assume one compaction at a time. A run goes ahead only with the job's lease (core/lease.ts: one holder at
 * a time while clocks and run times stay within its bounds; if both step back, the next hour's run does the work). Besides, a run reads the records first
 * and the snapshots second, so whatever an earlier run deleted is covered by a snapshot it sees, and the clock is
 * rounded so that two runs reading the same data plan the same thing.
 *
 * `jobContext.now` (ms) replaces the clock, for tests and for an admin re-running the job.
 */
export class PointsCompaction {
	constructor(private readonly logger: ILogger) {}

	public async run(jobContext: IJobContext, read: IRead, persis: IPersistence): Promise<void> {
		const lease = await takeLease(read.getPersistenceReader(), persis, 'points-compaction', { ttlMs: LEASE_MS, waitMs: 0 });
		if (!lease) {
			this.logger.info('points compaction: another run holds the lease; skipped');
			return;
		}
		try {
			await this.compact(jobContext, read, persis);
		} finally {
			await lease.release();
		}
	}

	private async compact(jobContext: IJobContext, read: IRead, persis: IPersistence): Promise<void> {
		const started = Date.now();
		const clock = typeof jobContext.now === 'number' && Number.isFinite(jobContext.now) ? jobContext.now : started;
		const now = Math.floor(clock / CLOCK_STEP_MS) * CLOCK_STEP_MS;
		const ledger = new PointsLedgerRepository();
		const reader = read.getPersistenceReader();
		// Records first, snapshots second (see above).
		const records = await ledger.listAwards(reader);
		const snapshots = await ledger.listSnapshots(reader);

		const byReceiver = new Map<string, { records: AwardRecord[]; snapshots: PointsSnapshot[] }>();
		const entry = (receiver: string) => {
			let e = byReceiver.get(receiver);
			if (!e) byReceiver.set(receiver, (e = { records: [], snapshots: [] }));
			return e;
		};
		for (const r of records) entry(r.receiver).records.push(r);
		for (const s of snapshots) entry(s.receiver).snapshots.push(s);

		const receivers = [...byReceiver.keys()].sort();
		let folded = 0;
		let deleted = 0;
		let written = 0;
		let done = 0;
		for (let i = 0; i < receivers.length; i += CHUNK) {
			if (Date.now() - started > BUDGET_MS) break;
			const chunk = receivers
				.slice(i, i + CHUNK)
				.map((r) => byReceiver.get(r) as { records: AwardRecord[]; snapshots: PointsSnapshot[] });
			const plan = planCompaction(
				chunk.flatMap((c) => c.records),
				chunk.flatMap((c) => c.snapshots),
				{ now },
			);
			for (const s of plan.put) await ledger.putSnapshot(persis, s);
			for (const id of plan.deleteRecordIds) await ledger.removeAward(persis, id);
			folded += plan.folded;
			written += plan.put.length;
			deleted += plan.deleteRecordIds.length;
			done += chunk.length;
		}
		if (written > 0 || deleted > 0 || done < receivers.length) {
			this.logger.info(
				`points compaction: ${folded} awards folded, ${written} snapshots written, ${deleted} records deleted, ${done}/${receivers.length} receivers`,
			);
		}
	}
}
