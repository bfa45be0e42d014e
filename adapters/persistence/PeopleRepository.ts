import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { RecordStore } from './RecordStore';

/** One person of the system of record and the Rocket.Chat account they map to. */
export interface PersonRecord {
	externalId: string;
	userId: string;
	username: string;
	/** The e-mail address on the Rocket.Chat account (the person's, or a `+rcN` alias of it). */
	email: string;
	/** The person's own e-mail address, as the system of record last sent it. */
	sourceEmail: string;
	/** The `verified` flag the app last gave the account's e-mail (undefined: never set by the app). */
	emailVerified?: boolean;
	firstName: string;
	lastName: string;
	nickName?: string;
	/** The photo URL the app last set as avatar (undefined: never set by the app). */
	photoUrl?: string;
	/** A photo to set later (provisioning defers it so the login answer stays fast). */
	pendingPhotoUrl?: string;
	active: boolean;
	/**
	 * True when the app created the account (false: an existing account was linked). The app's own
	 * record of it, and the only basis for changing the account's password, e-mail address or state.
	 */
	createdByApp: boolean;
	/** The account's password, encrypted with the credential secret (login-by-credential strategy). */
	credential?: string;
	/** Until when `sso/token` answers account-inactive without asking Rocket.Chat (ms epoch). */
	inactiveUntil?: number;
	/** A failed login: until when it is not retried (ms epoch), and its log reference. */
	cooldown?: { until: number; reference: string };
	/**
	 * Fingerprint of the sign-on profile last found known to the sync (a desired record exists for the
	 * person): a sign-on with the same profile skips that check. Cleared when a snapshot forgets the person.
	 */
	knownProfile?: string;
	createdAt: number;
	updatedAt: number;
}

interface UserIndexRecord {
	userId: string;
	externalId: string;
}

/** The people map: externalId <-> Rocket.Chat user. */
export class PeopleRepository {
	private readonly people = new RecordStore<PersonRecord>('people');
	private readonly byUser = new RecordStore<UserIndexRecord>('people-by-user');

	get(read: IPersistenceRead, externalId: string): Promise<PersonRecord | undefined> {
		return this.people.get(read, externalId);
	}

	/** The externalId of the person a user id is linked to (one read), if any. */
	async linkedPerson(read: IPersistenceRead, userId: string): Promise<string | undefined> {
		return (await this.byUser.get(read, userId))?.externalId;
	}

	async getByUserId(read: IPersistenceRead, userId: string): Promise<PersonRecord | undefined> {
		const index = await this.byUser.get(read, userId);
		return index ? this.people.get(read, index.externalId) : undefined;
	}

	list(read: IPersistenceRead): Promise<PersonRecord[]> {
		return this.people.list(read);
	}

	/** Writes the person; links their user id to them on first write or when it changed. */
	async save(persis: IPersistence, read: IPersistenceRead, person: PersonRecord, previous?: PersonRecord): Promise<void> {
		await this.people.put(persis, person.externalId, person);
		if (!previous || previous.userId !== person.userId) {
			await this.byUser.put(persis, person.userId, { userId: person.userId, externalId: person.externalId });
			if (previous && previous.userId !== person.userId) await this.byUser.remove(persis, previous.userId);
		}
		void read;
	}

	/** Forgets that these people were known to the sync (their desired records were removed). */
	async forgetKnownProfiles(read: IPersistenceRead, persis: IPersistence, externalIds: ReadonlyArray<string>): Promise<void> {
		for (const externalId of externalIds) {
			const record = await this.people.get(read, externalId);
			if (!record?.knownProfile) continue;
			const { knownProfile: _gone, ...rest } = record;
			await this.people.put(persis, externalId, rest);
		}
	}

	async remove(persis: IPersistence, person: PersonRecord): Promise<void> {
		await this.people.remove(persis, person.externalId);
		await this.byUser.remove(persis, person.userId);
	}
}
