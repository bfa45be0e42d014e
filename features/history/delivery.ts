import { IHttp, ILogger, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { loadConfig } from '../../adapters/config';
import { Lease, takeLease } from '../../adapters/lease';
import { DELIVERY_TIMEOUT_MS, HistoryClient } from './HistoryClient';
import { PeopleLookup } from '../accounts/people';
import { readOutboxWindow } from './outboxWindow';
import { DeadLetterRepository } from '../../adapters/persistence/DeadLetterRepository';
import { DeliveryStateRepository } from '../../adapters/persistence/DeliveryStateRepository';
import { OutboxRepository } from '../../adapters/persistence/OutboxRepository';
import { afterFailure } from '../../core/history/backoff';
import {
	advanceCursor,
	collectableBuckets,
	deadLetterId,
	doneMarks,
	entriesToSend,
	exhausted,
	isSweepTime,
	keysByBucket,
	nextStep,
	summarize,
} from '../../core/history/outbox';
import { DeliveryHealth, OutboxEvent } from '../../core/history/types';

export const HISTORY_DELIVERY_JOB = 'history-delivery';
/** Most batches one run sends; the next run (every 10 s) goes on. */
export const MAX_BATCHES_PER_RUN = 50;
/** A run starts no batch that could end after this (the engine cuts calls at 30 s). */
export const RUN_BUDGET_MS = 20_000;
/** The delivery lease's length: longer than a run can take. */
const LEASE_MS = 45_000;
/** Most buckets (minutes) a run reads. */
const MAX_BUCKETS_PER_RUN = 240;

export interface DeliveryReport {
	outcome: 'not-configured' | 'busy' | 'ran';
	batches: number;
	delivered: number;
	failures: number;
	deadLettered: number;
	removedBuckets: number;
	/** Why the run stopped. */
	stop?: 'idle' | 'settling' | 'backoff' | 'budget';
	lastError?: string;
}

/**
 * Chat history, delivery side: every 10 seconds, sends the outbox in batches of the configured
 * size to the history URL, in outbox order (so every room's messages arrive in order). A 2xx
 * acknowledges the batch (one done mark per bucket); anything else leaves it for a later attempt
 * after an exponential backoff with jitter, and a batch that used up its attempts is set aside as a
 * dead letter. A run sends at most 50 batches and starts none that could end after 20 s.
 *
 * Two instances: the lease (core/lease.ts) lets one deliver at a time; if both run anyway, each
 * acknowledges only what it sent and removes nothing that is not done, so the worst case is a
 * batch delivered twice (the receiver de-duplicates).
 *
 * One run, with a warning in the app log when batches failed or were set aside.
 */
export async function deliverHistory(logger: ILogger, read: IRead, http: IHttp, persis: IPersistence): Promise<DeliveryReport> {
	const report = await new HistoryDelivery(read, http, persis).run();
	if (report.failures > 0 || report.deadLettered > 0) {
		logger.warn(
			`chat history: ${report.delivered} messages delivered in ${report.batches} batches, ${report.failures} failed attempt(s)` +
				`${report.lastError ? ` (${report.lastError})` : ''}, ${report.deadLettered} set aside as dead letters`,
		);
	}
	return report;
}

/** One delivery run. */
export class HistoryDelivery {
	private readonly outbox = new OutboxRepository();
	private readonly state = new DeliveryStateRepository();
	private readonly dead = new DeadLetterRepository();
	/** externalId by user id, looked up once per person and run. */
	private readonly people = new Map<string, string | undefined>();

	constructor(
		private readonly read: IRead,
		private readonly http: IHttp,
		private readonly persis: IPersistence,
		private readonly now: () => number = Date.now,
	) {}

	async run(): Promise<DeliveryReport> {
		const report: DeliveryReport = {
			outcome: 'not-configured',
			batches: 0,
			delivered: 0,
			failures: 0,
			deadLettered: 0,
			removedBuckets: 0,
		};
		const { config } = await loadConfig(this.read);
		const { url, batchSize, maxAttempts } = config.history;
		const key = config.api.outboundKey;
		if (!url || !key) return report;
		const lease = await this.takeLease();
		if (!lease) return { ...report, outcome: 'busy' };
		report.outcome = 'ran';
		try {
			await this.deliver(new HistoryClient(this.http, url, key), batchSize, maxAttempts, report);
		} finally {
			await lease.release();
		}
		return report;
	}

	private async deliver(client: HistoryClient, batchSize: number, maxAttempts: number, report: DeliveryReport): Promise<void> {
		const started = Date.now();
		const reader = this.read.getPersistenceReader();
		// Buckets are judged closed as of this time, before they are read: a bucket that closes while
		// the run goes on may have taken a record after it was read.
		const readAt = this.now();
		const [window, stored] = await Promise.all([
			readOutboxWindow(reader, readAt, batchSize * MAX_BATCHES_PER_RUN, MAX_BUCKETS_PER_RUN),
			this.state.health(reader),
		]);
		let health: DeliveryHealth = stored ?? { retryAt: 0 };
		const state = summarize(window.views.flatMap((v) => v.records));
		const doneNow = new Set<string>();
		const finish = (events: OutboxEvent[]) => {
			const gone = new Set(events.map((e) => e.key));
			for (const k of gone) doneNow.add(k);
			state.pending = state.pending.filter((e) => !gone.has(e.key));
		};
		let succeededLast = false;

		for (;;) {
			if (report.batches >= MAX_BATCHES_PER_RUN || Date.now() - started + DELIVERY_TIMEOUT_MS > RUN_BUDGET_MS) {
				report.stop = 'budget';
				break;
			}
			const now = this.now();
			const step = nextStep(state, health.retryAt, now, { batchSize, maxAttempts });
			if (step.kind === 'idle') {
				report.stop = 'idle';
				break;
			}
			if (step.kind === 'wait') {
				report.stop = step.reason;
				break;
			}
			if (step.kind === 'dead') {
				await this.setAside(step.batch, step.attempts, health.lastError ?? 'attempts used up', now);
				finish(step.batch);
				report.deadLettered += step.batch.length;
				continue;
			}
			report.batches++;
			const result = await client.deliver(entriesToSend(step.batch, await this.externalIds(step.batch)), now);
			const after = this.now();
			if (result.ok) {
				await Promise.all(doneMarks(step.batch, after, 'acked').map((m) => this.outbox.mark(this.persis, m)));
				finish(step.batch);
				report.delivered += step.batch.length;
				succeededLast = true;
				continue;
			}
			succeededLast = false;
			report.failures++;
			report.lastError = result.error;
			const outcome = afterFailure({
				attempt: step.attempt,
				maxAttempts,
				now: after,
				random: Math.random(),
				retryAfterMs: result.kind === 'status' ? result.retryAfterMs : undefined,
			});
			health = { ...health, retryAt: outcome.retryAt, lastFailureAt: after, lastError: result.error };
			await Promise.all([
				...[...keysByBucket(step.batch)].map(([bucket, keys]) =>
					this.outbox.mark(this.persis, { type: 'attempt', bucket, keys, at: after, error: result.error }),
				),
				this.state.setHealth(this.persis, health),
			]);
			for (const e of step.batch) state.attempts.set(e.key, (state.attempts.get(e.key) ?? 0) + 1);
			// Only the events that used up their attempts: one that joined the batch later keeps its others.
			const spent = exhausted(step.batch, state.attempts, maxAttempts);
			if (spent.length > 0) {
				await this.setAside(spent, step.attempt, result.error, after);
				finish(spent);
				report.deadLettered += spent.length;
			}
			report.stop = 'backoff';
			break;
		}

		if (succeededLast) await this.state.setHealth(this.persis, { ...health, retryAt: 0, lastSuccessAt: this.now() });
		await this.collect(readAt, window.cursor, window.cursorStored, window.views, doneNow, report);
	}

	private async externalIds(batch: OutboxEvent[]): Promise<Map<string, string | undefined>> {
		const missing = [...new Set(batch.map((e) => e.entry.userId))].filter((id) => id && !this.people.has(id));
		if (missing.length > 0) {
			const directory = new PeopleLookup(this.read.getPersistenceReader());
			const found = await Promise.all(missing.map((id) => directory.externalIdOf(id)));
			missing.forEach((id, i) => this.people.set(id, found[i]));
		}
		return this.people;
	}

	/** Dead letter first, then the done marks: a crash in between sends the batch again, never loses it. */
	private async setAside(batch: OutboxEvent[], attempts: number, lastError: string, now: number): Promise<void> {
		await this.dead.put(this.persis, { id: deadLetterId(batch), events: batch, attempts, lastError, deadAt: now });
		await Promise.all(doneMarks(batch, now, 'dead').map((m) => this.outbox.mark(this.persis, m)));
	}

	/** Removes the buckets that were closed when read and whose events are all done, then moves the cursor past them. */
	private async collect(
		readAt: number,
		cursor: number,
		cursorStored: boolean,
		views: Parameters<typeof collectableBuckets>[0],
		doneNow: Set<string>,
		report: DeliveryReport,
	): Promise<void> {
		const removable = collectableBuckets(views, readAt, doneNow);
		const withRecords = new Set(views.filter((v) => v.records.length > 0).map((v) => v.bucket));
		const toRemove = removable.filter((b) => withRecords.has(b));
		await Promise.all(toRemove.map((b) => this.outbox.removeBucket(this.persis, b)));
		report.removedBuckets = toRemove.length;
		let next = advanceCursor(cursor, views, removable);
		// Safety net: a recording that landed in a bucket behind the cursor (a listener held up for
		// minutes) would never be read. Now and then, when idle (the outbox is then small), look for
		// the oldest record and move the cursor back to it.
		if (report.stop === 'idle' && isSweepTime(this.now())) {
			const oldest = await this.outbox.oldestBucket(this.read.getPersistenceReader());
			if (oldest !== undefined && oldest < next) next = oldest;
		}
		if (next !== cursor || !cursorStored) await this.state.setCursor(this.persis, next);
	}

	/** The delivery lease; a run is bounded well inside it (RUN_BUDGET_MS, the engine's 30 s). */
	private takeLease(): Promise<Lease | undefined> {
		return takeLease(this.read.getPersistenceReader(), this.persis, 'history-delivery', { ttlMs: LEASE_MS, waitMs: 0 });
	}
}
