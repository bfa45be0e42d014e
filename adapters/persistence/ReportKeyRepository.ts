import { randomBytes } from 'crypto';

import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { RecordStore } from './RecordStore';

interface KeyRecord {
	key: string;
	createdAt: number;
}

/**
 * The secret the report links are signed with: 32 random bytes made on first use and kept in the
 * app's persistence (never in a setting, a log or a response). Two instances making it at once may
 * leave twin records; each re-reads after writing and both sign with the first one.
 */
export class ReportKeyRepository {
	private readonly store = new RecordStore<KeyRecord>('report-key');

	async key(read: IPersistenceRead, persis: IPersistence): Promise<Buffer> {
		const found = await this.store.get(read, 'current');
		if (found) return Buffer.from(found.key, 'base64');
		await this.store.insert(persis, 'current', { key: randomBytes(32).toString('base64'), createdAt: Date.now() });
		const first = await this.store.get(read, 'current');
		if (!first) throw new Error('report key could not be stored');
		return Buffer.from(first.key, 'base64');
	}

	/** The key if one exists (verifying never creates one). */
	async existing(read: IPersistenceRead): Promise<Buffer | undefined> {
		const found = await this.store.get(read, 'current');
		return found ? Buffer.from(found.key, 'base64') : undefined;
	}
}
