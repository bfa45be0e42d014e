import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IJobContext, IProcessor, StartupType } from '@rocket.chat/apps-engine/definition/scheduler';

import { deliverHistory, HISTORY_DELIVERY_JOB } from '../features/history/delivery';

/** Chat history delivery, every 10 seconds (features/history/delivery.ts). */
export class HistoryDeliveryProcessor implements IProcessor {
	public readonly id = HISTORY_DELIVERY_JOB;
	public readonly startupSetting = { type: StartupType.RECURRING, interval: '10 seconds', skipImmediate: true } as const;

	constructor(private readonly app: IApp) {}

	public async processor(_jobContext: IJobContext, read: IRead, _modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
		await deliverHistory(this.app.getLogger(), read, http, persis);
	}
}
