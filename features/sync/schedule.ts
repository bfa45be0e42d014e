import { IModify, IPersistence, IPersistenceRead, IRead, ISchedulerModify } from '@rocket.chat/apps-engine/definition/accessors';
import { ISetting } from '@rocket.chat/apps-engine/definition/settings';

import { NUMBER_BOUNDS } from '../../core/config';
import { Setting } from '../../core/settingIds';
import { SyncStateRepository } from '../../adapters/persistence/SyncStateRepository';

/** The recurring sync (every `sync_interval_minutes`). */
export const SYNC_JOB = 'sync';
/** One-off runs: after a push, to continue a pass, on request. */
export const SYNC_ONCE_JOB = 'sync-once';

/** A run requested this recently is not requested again (a burst of pushes schedules one run). */
const REQUEST_DEBOUNCE_MS = 60_000;

export function intervalMinutes(raw: unknown): number {
	const [min, max, fallback] = NUMBER_BOUNDS[Setting.SyncIntervalMinutes] ?? [1, 1440, 15];
	const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
	return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

/** (Re)schedules the recurring sync; the scheduler keeps one recurring job per processor. */
export async function scheduleRecurringSync(scheduler: ISchedulerModify, minutes: number): Promise<void> {
	await scheduler.cancelJob(SYNC_JOB);
	await scheduler.scheduleRecurring({ id: SYNC_JOB, interval: `${minutes} minutes`, skipImmediate: true });
}

/** On enable: the recurring sync at the configured interval. */
export async function onEnableSync(settings: { getValueById(id: string): Promise<unknown> }, scheduler: ISchedulerModify): Promise<void> {
	await scheduleRecurringSync(scheduler, intervalMinutes(await settings.getValueById(Setting.SyncIntervalMinutes)));
}

/** Setting changes: only the interval reschedules the recurring sync (every other setting is read at each run). */
export async function onSyncSettingUpdated(setting: ISetting, scheduler: ISchedulerModify): Promise<void> {
	if (setting.id !== (Setting.SyncIntervalMinutes as string)) return;
	await scheduleRecurringSync(scheduler, intervalMinutes(setting.value ?? setting.packageValue));
}

/** Schedules a one-off run at `at` and remembers it (for the status and to debounce pushes). */
export async function scheduleRun(modify: IModify, persis: IPersistence, at: number, trigger: string): Promise<void> {
	await new SyncStateRepository().put(persis, 'requested', { at });
	await modify.getScheduler().scheduleOnce({ id: SYNC_ONCE_JOB, when: new Date(at), data: { trigger } });
}

/** After a push: a run soon, unless one was requested moments ago and has not started yet. */
export async function requestRunAfterPush(read: IRead | IPersistenceRead, modify: IModify, persis: IPersistence): Promise<void> {
	const reader = 'getPersistenceReader' in read ? read.getPersistenceReader() : read;
	const now = Date.now();
	const pending = await new SyncStateRepository().get(reader, 'requested');
	if (pending && pending.at <= now + REQUEST_DEBOUNCE_MS && pending.at > now - REQUEST_DEBOUNCE_MS) return;
	await scheduleRun(modify, persis, now, 'push');
}

/** A recurring run starts: remembered, so the status can tell when the next one is due. */
export async function markRecurringRun(persis: IPersistence, now = Date.now()): Promise<void> {
	await new SyncStateRepository().put(persis, 'schedule', { lastRecurringRunAt: now });
}
