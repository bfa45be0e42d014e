import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IJobContext, IProcessor } from '@rocket.chat/apps-engine/definition/scheduler';

import { markRecurringRun, SYNC_JOB, SYNC_ONCE_JOB } from '../features/sync/schedule';
import { SyncRunner, SyncTrigger } from '../features/sync/SyncRunner';

const TRIGGERS: ReadonlyArray<SyncTrigger> = ['push', 'continue', 'request', 'command', 'confirm'];

/**
 * The recurring sync, scheduled at the configured interval on enable and when the interval setting
 * changes (features/sync/schedule.ts). Each run does a bounded chunk and schedules the rest.
 */
export class SyncProcessor implements IProcessor {
	public readonly id = SYNC_JOB;

	constructor(private readonly app: IApp) {}

	public async processor(_ctx: IJobContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
		await markRecurringRun(persis);
		await new SyncRunner({ read, modify, http, persis, logger: this.app.getLogger() }).run({ trigger: 'schedule' });
	}
}

/** One-off sync runs: after a push, to continue a pass, after a confirmation. */
export class SyncOnceProcessor implements IProcessor {
	public readonly id = SYNC_ONCE_JOB;

	constructor(private readonly app: IApp) {}

	public async processor(ctx: IJobContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
		const trigger = TRIGGERS.find((t) => t === ctx.trigger) ?? 'continue';
		await new SyncRunner({ read, modify, http, persis, logger: this.app.getLogger() }).run({ trigger });
	}
}
