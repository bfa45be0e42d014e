import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IJobContext, IProcessor, StartupType } from '@rocket.chat/apps-engine/definition/scheduler';

import { sampleOutbox } from '../features/admin/service';

export const ADMIN_SAMPLE_JOB = 'admin-sample';

/** Every 15 minutes, one small record of the chat-history outbox's depth, for the report's chart (bounded, pruned). */
export class AdminSampleProcessor implements IProcessor {
	public readonly id = ADMIN_SAMPLE_JOB;
	public readonly startupSetting = { type: StartupType.RECURRING as const, interval: '15 minutes', skipImmediate: false };

	public async processor(_ctx: IJobContext, read: IRead, _modify: IModify, _http: IHttp, persis: IPersistence): Promise<void> {
		await sampleOutbox(read, persis);
	}
}
