import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IJobContext, IProcessor, StartupType } from '@rocket.chat/apps-engine/definition/scheduler';

import { POINTS_COMPACTION_JOB, PointsCompaction } from '../features/chatbot/compaction';

/** Hourly compaction of the points ledger (features/chatbot/compaction.ts). */
export class PointsCompactionProcessor implements IProcessor {
	public readonly id = POINTS_COMPACTION_JOB;
	public readonly startupSetting = { type: StartupType.RECURRING, interval: '1 hour', skipImmediate: true } as const;

	constructor(private readonly app: IApp) {}

	public async processor(jobContext: IJobContext, read: IRead, _modify: IModify, _http: IHttp, persis: IPersistence): Promise<void> {
		await new PointsCompaction(this.app.getLogger()).run(jobContext, read, persis);
	}
}
