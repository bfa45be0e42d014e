import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IProcessor } from '@rocket.chat/apps-engine/definition/scheduler';

import { AccountPhotosProcessor } from './AccountPhotosProcessor';
import { HistoryDeliveryProcessor } from './HistoryDeliveryProcessor';
import { LogRetentionProcessor } from './LogRetentionProcessor';
import { PointsCompactionProcessor } from './PointsCompactionProcessor';
import { SyncOnceProcessor, SyncProcessor } from './SyncProcessor';

/** Every scheduled processor of the app. Features add theirs here. */
export function processors(app: IApp): IProcessor[] {
	return [
		new AccountPhotosProcessor(app),
		new LogRetentionProcessor(),
		new PointsCompactionProcessor(app),
		new HistoryDeliveryProcessor(app),
		new SyncProcessor(app),
		new SyncOnceProcessor(app),
	];
}
