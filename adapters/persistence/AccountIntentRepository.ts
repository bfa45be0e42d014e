import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AccountIntent } from '../../core/accounts/provision';
import { RecordStore } from './RecordStore';

const DAY_MS = 86_400_000;

/**
 * Intents to create an account (core/accounts/provision.ts): one record per `users.create` the app is
 * about to call, listed by person, and tagged with their day so old ones go a whole day at a time.
 */
export class AccountIntentRepository {
	private readonly store = new RecordStore<AccountIntent>('account-intents');

	add(persis: IPersistence, intent: AccountIntent): Promise<void> {
		return this.store.insert(persis, intent.id, intent, { person: intent.externalId, day: String(Math.floor(intent.at / DAY_MS)) });
	}

	listFor(read: IPersistenceRead, externalId: string): Promise<AccountIntent[]> {
		return this.store.listByTag(read, 'person', externalId);
	}

	remove(persis: IPersistence, id: string): Promise<void> {
		return this.store.remove(persis, id);
	}

	/** Removes the intents of the `days` days before the one `cutoff` falls in (one call per day). */
	async prune(persis: IPersistence, cutoff: number, days = 30): Promise<void> {
		const last = Math.floor(cutoff / DAY_MS) - 1;
		for (let d = last; d > last - days; d--) await this.store.removeByTag(persis, 'day', String(d));
	}
}
