import { IHttp, ILogger, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { loadConfig } from '../../adapters/config';
import { LogRepository } from '../../adapters/persistence/LogRepository';
import { PeopleRepository } from '../../adapters/persistence/PeopleRepository';
import { restClientFor } from '../../adapters/rocketchat/clientFor';

export const ACCOUNT_PHOTOS_JOB = 'accounts-photos';
const PER_RUN = 50;

/** Asks for the deferred avatars of new accounts to be set soon (provisioning does not wait for them). */
export async function scheduleAccountPhotos(modify: IModify): Promise<void> {
	await modify.getScheduler().scheduleOnce({ id: ACCOUNT_PHOTOS_JOB, when: new Date() });
}

/** Sets the avatars of newly provisioned accounts, a bounded number per run; reschedules itself while some remain. */
export async function setPendingPhotos(logger: ILogger, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
	const { config } = await loadConfig(read);
	const people = new PeopleRepository();
	const pending = (await people.list(read.getPersistenceReader())).filter((p) => p.pendingPhotoUrl);
	if (pending.length === 0) return;
	const rest = await restClientFor(http, read, config, 20_000);
	const log = new LogRepository();
	for (const person of pending.slice(0, PER_RUN)) {
		const url = person.pendingPhotoUrl as string;
		try {
			if (config.sync.photos) await rest.setAvatar(person.userId, url);
			const { pendingPhotoUrl: _done, ...rest0 } = person;
			await people.save(
				persis,
				read.getPersistenceReader(),
				{ ...rest0, photoUrl: config.sync.photos ? url : person.photoUrl, updatedAt: Date.now() },
				person,
			);
		} catch (err) {
			const entry = await log.add(persis, {
				level: 'warning',
				event: 'photo-failed',
				externalId: person.externalId,
				userId: person.userId,
				message: err instanceof Error ? err.message : String(err),
			});
			logger.warn(`avatar for ${person.externalId} [${entry.reference}]: ${entry.message}`);
		}
	}
	if (pending.length > PER_RUN) await scheduleAccountPhotos(modify);
}
