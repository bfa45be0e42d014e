import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IJobContext, IProcessor, StartupType } from '@rocket.chat/apps-engine/definition/scheduler';

import { LOG_RETENTION_JOB, pruneLog } from '../features/admin/logRetention';

/** Once an hour, the integration log's retention (features/admin/logRetention.ts). */
export class LogRetentionProcessor implements IProcessor {
	public readonly id = LOG_RETENTION_JOB;
	public readonly startupSetting = { type: StartupType.RECURRING as const, interval: '1 hour', skipImmediate: true };

	public async processor(_ctx: IJobContext, read: IRead, _modify: IModify, _http: IHttp, persis: IPersistence): Promise<void> {
		await pruneLog(read, persis);
	}
}
