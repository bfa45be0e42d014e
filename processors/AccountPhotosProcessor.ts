import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IJobContext, IProcessor } from '@rocket.chat/apps-engine/definition/scheduler';

import { ACCOUNT_PHOTOS_JOB, setPendingPhotos } from '../features/accounts/photos';

/** The deferred avatars of new accounts (features/accounts/photos.ts). */
export class AccountPhotosProcessor implements IProcessor {
	public readonly id = ACCOUNT_PHOTOS_JOB;

	constructor(private readonly app: IApp) {}

	public async processor(_ctx: IJobContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
		await setPendingPhotos(this.app.getLogger(), read, modify, http, persis);
	}
}
