import { clone, randomId, WorldError } from './base';
import type { ScheduledJob } from './types';

/** The apps' scheduled jobs (Agenda's collection in Rocket.Chat): processors, one-off and recurring jobs. */
export class Scheduler {
	readonly jobs = new Map<string, ScheduledJob>();
	readonly processors = new Map<string, Set<string>>();

	registerProcessors(appId: string, ids: string[]): void {
		this.processors.set(appId, new Set(ids));
	}

	scheduleOnce(appId: string, processorId: string, when: number, data?: Record<string, unknown>): string {
		this.requireProcessor(appId, processorId);
		const job: ScheduledJob = { id: randomId(), appId, processorId, nextRunAt: when, runCount: 0 };
		if (data) job.data = clone(data);
		this.jobs.set(job.id, job);
		return job.id;
	}

	/** A recurring job is unique per processor (Agenda's `every` upserts by name). */
	scheduleRecurring(
		appId: string,
		processorId: string,
		interval: string | number,
		skipImmediate: boolean,
		data?: Record<string, unknown>,
		now = Date.now(),
	): string {
		this.requireProcessor(appId, processorId);
		const intervalMs = parseInterval(interval);
		for (const job of this.jobs.values()) {
			if (job.appId === appId && job.processorId === processorId && job.intervalMs !== undefined) this.jobs.delete(job.id);
		}
		const job: ScheduledJob = {
			id: randomId(),
			appId,
			processorId,
			nextRunAt: skipImmediate ? now + intervalMs : now,
			interval,
			intervalMs,
			runCount: 0,
		};
		if (data) job.data = clone(data);
		this.jobs.set(job.id, job);
		return job.id;
	}

	/** Cancels by job id or by processor id (Rocket.Chat's bridge cancels by name). */
	cancelJob(appId: string, jobIdOrProcessor: string): void {
		for (const job of [...this.jobs.values()]) {
			if (job.appId === appId && (job.id === jobIdOrProcessor || job.processorId === jobIdOrProcessor)) this.jobs.delete(job.id);
		}
	}

	cancelAllJobs(appId: string): void {
		for (const job of [...this.jobs.values()]) if (job.appId === appId) this.jobs.delete(job.id);
	}

	dueJobs(now = Date.now()): ScheduledJob[] {
		return [...this.jobs.values()].filter((j) => j.nextRunAt <= now).sort((a, b) => a.nextRunAt - b.nextRunAt);
	}

	/** Records a run: one-off jobs are removed, recurring ones move to their next time. */
	completeJob(jobId: string, error: string | undefined, now = Date.now()): void {
		const job = this.jobs.get(jobId);
		if (!job) return;
		job.runCount++;
		job.lastRunAt = now;
		if (error) job.lastError = error;
		if (job.intervalMs === undefined) this.jobs.delete(jobId);
		else job.nextRunAt = now + job.intervalMs;
	}

	private requireProcessor(appId: string, processorId: string): void {
		if (!this.processors.get(appId)?.has(processorId)) {
			throw new WorldError('error-invalid-processor', `Processor ${processorId} is not registered`);
		}
	}
}

/** Parses Agenda-style intervals: a number of ms, "N seconds|minutes|hours|days", or "every N ...". */
export function parseInterval(interval: string | number): number {
	if (typeof interval === 'number') {
		if (!Number.isFinite(interval) || interval <= 0) throw new WorldError('error-invalid-interval', `Invalid interval ${interval}`);
		return interval;
	}
	const m = /^\s*(?:every\s+)?(\d+(?:\.\d+)?)?\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)\s*$/i.exec(
		interval,
	);
	if (!m) throw new WorldError('error-invalid-interval', `Unsupported interval "${interval}"`);
	const n = m[1] ? Number(m[1]) : 1;
	const unit = m[2].toLowerCase();
	const factor =
		unit.startsWith('ms') || unit.startsWith('milli')
			? 1
			: unit.startsWith('s')
				? 1000
				: unit.startsWith('m')
					? 60_000
					: unit.startsWith('h')
						? 3_600_000
						: 86_400_000;
	return n * factor;
}
