import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IJobContext, IProcessor } from '@rocket.chat/apps-engine/definition/scheduler';

import { AccountPhotosProcessor } from './AccountPhotosProcessor';
import { AdminSampleProcessor } from './AdminSampleProcessor';
import { HistoryDeliveryProcessor } from './HistoryDeliveryProcessor';
import { LogRetentionProcessor } from './LogRetentionProcessor';
import { PointsCompactionProcessor } from './PointsCompactionProcessor';
import { SyncOnceProcessor, SyncProcessor } from './SyncProcessor';

/** A processor class of the app: built from the app it logs through. */
export type ProcessorClass = new (app: IApp) => IProcessor;

/** Every scheduled processor of the app. Features add theirs here. */
const PROCESSORS: ReadonlyArray<ProcessorClass> = [
	AccountPhotosProcessor,
	LogRetentionProcessor,
	PointsCompactionProcessor,
	HistoryDeliveryProcessor,
	SyncProcessor,
	SyncOnceProcessor,
	AdminSampleProcessor,
];

/** The app's processors, ready to register with the engine. */
export function processors(app: IApp): IProcessor[] {
	return PROCESSORS.map((Processor) => forEveryEngine(app, Processor));
}

/**
 * Registers a processor so that it runs the same on every Apps-Engine. The engine calls the
 * registered `processor` function with a `this` of its choosing: up to 1.59 the registered object,
 * from 1.62 the app itself, as a proxy whose logger is the current call's (a logger kept from
 * earlier is never written to the app's log there). So the function registered is not the
 * processor's method: each run gets a processor of its own, built from the app of that run (the
 * proxy when the engine passes one, else the app), and its method is called on it.
 */
export function forEveryEngine(app: IApp, Processor: ProcessorClass): IProcessor {
	const { id, startupSetting } = new Processor(app);
	return {
		id,
		startupSetting,
		processor(this: unknown, context: IJobContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
			return new Processor(appOfCall(this) ?? app).processor(context, read, modify, http, persis);
		},
	};
}

/** The app the engine passed as `this` (Apps-Engine 1.62 and later), if it did. */
function appOfCall(self: unknown): IApp | undefined {
	if (typeof self !== 'object' || self === null) return undefined;
	const candidate = self as Partial<IApp>;
	return typeof candidate.getLogger === 'function' && typeof candidate.getID === 'function' ? (self as IApp) : undefined;
}
