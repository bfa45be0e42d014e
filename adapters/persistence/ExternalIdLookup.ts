import { IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { PeopleRepository } from './PeopleRepository';

/** What the chatbot needs from the people map: externalId <-> Rocket.Chat user id. */
export interface ExternalIdLookup {
	/** The user id of a person of the system of record, if known. */
	userIdOf(externalId: string): Promise<{ userId: string; username: string } | undefined>;
	/** The externalIds of those users that are mapped to a person (others are left out). */
	externalIdsOf(userIds: readonly string[]): Promise<Map<string, string>>;
}

/** The lookup over the people map kept by the accounts feature (PeopleRepository). */
export class PeopleMapLookup implements ExternalIdLookup {
	private readonly people = new PeopleRepository();

	constructor(private readonly read: IPersistenceRead) {}

	async userIdOf(externalId: string): Promise<{ userId: string; username: string } | undefined> {
		const person = await this.people.get(this.read, externalId);
		return person ? { userId: person.userId, username: person.username } : undefined;
	}

	async externalIdsOf(userIds: readonly string[]): Promise<Map<string, string>> {
		const found = await Promise.all(userIds.map((id) => this.people.getByUserId(this.read, id)));
		const out = new Map<string, string>();
		found.forEach((person, i) => {
			if (person && person.userId === userIds[i]) out.set(userIds[i], person.externalId);
		});
		return out;
	}
}
