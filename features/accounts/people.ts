import { IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { PeopleRepository, PersonRecord } from '../../adapters/persistence/PeopleRepository';
import { PeopleDirectory } from '../../core/history/types';

export type { PersonRecord };

/** What other features need from the people map: externalId <-> Rocket.Chat user id. */
export interface ExternalIdLookup {
	/** The user id of a person of the system of record, if known. */
	userIdOf(externalId: string): Promise<{ userId: string; username: string } | undefined>;
	/** The externalIds of those users that are mapped to a person (others are left out). */
	externalIdsOf(userIds: readonly string[]): Promise<Map<string, string>>;
}

/**
 * The one lookup over the people map kept by the accounts feature: by externalId, by user id, and
 * user ids to externalIds (the chatbot's endpoints, chat-history delivery, the admin commands).
 */
export class PeopleLookup implements ExternalIdLookup, PeopleDirectory {
	private readonly people = new PeopleRepository();

	constructor(private readonly read: IPersistenceRead) {}

	/** The person of an externalId. */
	byExternalId(externalId: string): Promise<PersonRecord | undefined> {
		return this.people.get(this.read, externalId);
	}

	/** The person a Rocket.Chat account belongs to, if the app maps it. */
	async byUserId(userId: string): Promise<PersonRecord | undefined> {
		const person = await this.people.getByUserId(this.read, userId);
		return person && person.userId === userId ? person : undefined;
	}

	/** Everyone in the people map. */
	all(): Promise<PersonRecord[]> {
		return this.people.list(this.read);
	}

	async userIdOf(externalId: string): Promise<{ userId: string; username: string } | undefined> {
		const person = await this.byExternalId(externalId);
		return person ? { userId: person.userId, username: person.username } : undefined;
	}

	async externalIdOf(userId: string): Promise<string | undefined> {
		return (await this.byUserId(userId))?.externalId;
	}

	async externalIdsOf(userIds: readonly string[]): Promise<Map<string, string>> {
		const found = await Promise.all(userIds.map((id) => this.byUserId(id)));
		const out = new Map<string, string>();
		found.forEach((person, i) => {
			if (person) out.set(userIds[i], person.externalId);
		});
		return out;
	}
}
