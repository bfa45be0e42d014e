import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { ScimGroupRecord, ScimMemberRecord, ScimUserRecord } from '../../core/scim/types';
import { firstPerKey } from './DesiredGroupRepository';
import { RecordStore } from './RecordStore';

/** An index entry: a unique attribute value (lower-cased userName, externalId) -> the User's id. */
interface IndexRecord {
	value: string;
	id: string;
}

/**
 * The Users as last listed, with the revision read before listing them: while the revision (one small read)
 * is unchanged, a full scan (a filter no index answers, the sync) uses this copy instead of reading every
 * record again. Every User write changes the revision after writing the User, so a copy is never newer than
 * its revision says, and another instance's writes are seen at once. Callers must not modify the records.
 */
let usersCopy: { rev: string; users: ScimUserRecord[] } | undefined;

/**
 * SCIM Users: one record per User id, plus two small index aggregates (userName lower-cased, externalId)
 * so that uniqueness checks and the `eq` filters identity providers send before every create cost one read.
 * A DELETEd User keeps its record (flagged `deleted`) so its account stays deactivated; its index entries go.
 */
export class ScimUserRepository {
	private readonly store = new RecordStore<ScimUserRecord>('scim-users');
	private readonly byName = new RecordStore<IndexRecord>('scim-user-names');
	private readonly byExternalId = new RecordStore<IndexRecord>('scim-user-xids');
	private readonly revisions = new RecordStore<{ rev: string }>('scim-revision');

	/** Changes with every User write (after the write): a reader that saw a revision may keep what it listed then. */
	async revision(read: IPersistenceRead): Promise<string | null> {
		return (await this.revisions.get(read, 'users'))?.rev ?? null;
	}

	get(read: IPersistenceRead, id: string): Promise<ScimUserRecord | undefined> {
		return this.store.get(read, id);
	}

	async list(read: IPersistenceRead): Promise<ScimUserRecord[]> {
		return firstPerKey(await this.store.list(read), (r) => r.id);
	}

	/** Every User (deleted ones included), from the copy kept while the revision is unchanged. Read-only. */
	async listCurrent(read: IPersistenceRead): Promise<ReadonlyArray<ScimUserRecord>> {
		const rev = await this.revision(read);
		if (rev !== null && usersCopy?.rev === rev) return usersCopy.users;
		const list = await this.list(read);
		usersCopy = rev === null ? undefined : { rev, users: list };
		return list;
	}

	async idByUserName(read: IPersistenceRead, userName: string): Promise<string | undefined> {
		return (await this.byName.get(read, userName.toLowerCase()))?.id;
	}

	async idByExternalId(read: IPersistenceRead, externalId: string): Promise<string | undefined> {
		return (await this.byExternalId.get(read, externalId))?.id;
	}

	/** Writes the User and moves its index entries from `previous` (if any) to the new values. */
	async put(read: IPersistenceRead, persis: IPersistence, user: ScimUserRecord, previous?: ScimUserRecord): Promise<void> {
		await this.store.put(persis, user.id, user);
		await this.revisions.put(persis, 'users', { rev: `${user.id}:${user.version}` });
		const name = user.userName.toLowerCase();
		const oldName = previous && !previous.deleted ? previous.userName.toLowerCase() : undefined;
		if (user.deleted) {
			if (oldName !== undefined) await this.removeIndex(read, persis, this.byName, oldName, user.id);
			if (previous?.externalId !== undefined && !previous.deleted)
				await this.removeIndex(read, persis, this.byExternalId, previous.externalId, user.id);
			return;
		}
		if (oldName !== name) {
			await this.byName.put(persis, name, { value: name, id: user.id });
			if (oldName !== undefined) await this.removeIndex(read, persis, this.byName, oldName, user.id);
		}
		const oldX = previous && !previous.deleted ? previous.externalId : undefined;
		if (user.externalId !== oldX) {
			if (user.externalId !== undefined)
				await this.byExternalId.put(persis, user.externalId, { value: user.externalId, id: user.id });
			if (oldX !== undefined) await this.removeIndex(read, persis, this.byExternalId, oldX, user.id);
		}
	}

	/** Removes an index entry only if it still points to this User (another may have taken the value since). */
	private async removeIndex(
		read: IPersistenceRead,
		persis: IPersistence,
		index: RecordStore<IndexRecord>,
		value: string,
		id: string,
	): Promise<void> {
		const current = await index.get(read, value);
		if (current === undefined || current.id === id) await index.remove(persis, value);
	}
}

/** SCIM Groups: one small record per Group (its members are separate records). */
export class ScimGroupRepository {
	private readonly store = new RecordStore<ScimGroupRecord>('scim-groups');

	get(read: IPersistenceRead, id: string): Promise<ScimGroupRecord | undefined> {
		return this.store.get(read, id);
	}

	async list(read: IPersistenceRead): Promise<ScimGroupRecord[]> {
		return firstPerKey(await this.store.list(read), (r) => r.id);
	}

	put(persis: IPersistence, group: ScimGroupRecord): Promise<void> {
		return this.store.put(persis, group.id, group);
	}

	remove(persis: IPersistence, id: string): Promise<void> {
		return this.store.remove(persis, id);
	}
}

/**
 * Group memberships, one record per (group, user), tagged by both so that a group's members, a user's groups,
 * one membership, and the removal of a group or of a user's memberships are one call each.
 */
export class ScimMemberRepository {
	private readonly store = new RecordStore<ScimMemberRecord>('scim-members');

	private static key(groupId: string, userId: string): string {
		return `${groupId}|${userId}`;
	}

	async has(read: IPersistenceRead, groupId: string, userId: string): Promise<boolean> {
		return (await this.store.get(read, ScimMemberRepository.key(groupId, userId))) !== undefined;
	}

	add(persis: IPersistence, groupId: string, userId: string, at: number): Promise<void> {
		return this.store.insert(persis, ScimMemberRepository.key(groupId, userId), { groupId, userId, at }, { g: groupId, u: userId });
	}

	remove(persis: IPersistence, groupId: string, userId: string): Promise<void> {
		return this.store.remove(persis, ScimMemberRepository.key(groupId, userId));
	}

	async ofGroup(read: IPersistenceRead, groupId: string): Promise<ScimMemberRecord[]> {
		return firstPerKey(await this.store.listByTag(read, 'g', groupId), (r) => r.userId);
	}

	async ofUser(read: IPersistenceRead, userId: string): Promise<ScimMemberRecord[]> {
		return firstPerKey(await this.store.listByTag(read, 'u', userId), (r) => r.groupId);
	}

	async list(read: IPersistenceRead): Promise<ScimMemberRecord[]> {
		return firstPerKey(await this.store.list(read), (r) => `${r.groupId}|${r.userId}`);
	}

	removeGroup(persis: IPersistence, groupId: string): Promise<void> {
		return this.store.removeByTag(persis, 'g', groupId);
	}

	removeUser(persis: IPersistence, userId: string): Promise<void> {
		return this.store.removeByTag(persis, 'u', userId);
	}
}
