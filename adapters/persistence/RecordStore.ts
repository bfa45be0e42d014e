import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

/** Secondary keys of a record (name -> value), each stored as one more association. */
export type RecordTags = Readonly<Record<string, string>>;

/**
 * Keyed records of one aggregate in the app's persistence: each record carries two associations,
 * the aggregate (to list them all) and `<aggregate>:<id>` (to address one). Repositories wrap one
 * store each with typed methods; no other module touches the persistence accessors.
 */
export class RecordStore<T extends object> {
	private readonly all: RocketChatAssociationRecord;

	constructor(readonly aggregate: string) {
		this.all = new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, `ri:${aggregate}`);
	}

	private key(id: string): RocketChatAssociationRecord {
		return new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, `ri:${this.aggregate}:${id}`);
	}

	/** `#` cannot follow the aggregate in a key association (`ri:<aggregate>:<id>`), so tags never collide with ids. */
	private tag(name: string, value: string): RocketChatAssociationRecord {
		return new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, `ri:${this.aggregate}#${name}:${value}`);
	}

	/** The record, or undefined. Two instances upserting at once may leave twins: the first wins. */
	async get(read: IPersistenceRead, id: string): Promise<T | undefined> {
		const found = (await read.readByAssociations([this.all, this.key(id)])) as T[];
		return found[0];
	}

	async list(read: IPersistenceRead): Promise<T[]> {
		return (await read.readByAssociations([this.all])) as T[];
	}

	/** Writes the record under its id (insert or replace). */
	async put(persis: IPersistence, id: string, data: T): Promise<void> {
		await persis.updateByAssociations([this.all, this.key(id)], data, true);
	}

	/**
	 * Adds a new record; for records whose id is unique by construction (events, log entries). `tags` are secondary keys
	 * (name -> value) the record can later be listed by with {@link listByTag}.
	 */
	async insert(persis: IPersistence, id: string, data: T, tags?: RecordTags): Promise<void> {
		const extra = tags ? Object.entries(tags).map(([name, value]) => this.tag(name, value)) : [];
		await persis.createWithAssociations(data, [this.all, this.key(id), ...extra]);
	}

	/** The records inserted with the tag `name` = `value`. */
	async listByTag(read: IPersistenceRead, name: string, value: string): Promise<T[]> {
		return (await read.readByAssociations([this.all, this.tag(name, value)])) as T[];
	}

	async remove(persis: IPersistence, id: string): Promise<void> {
		await persis.removeByAssociations([this.all, this.key(id)]);
	}

	/** Removes every record inserted with the tag `name` = `value`, in one call. */
	async removeByTag(persis: IPersistence, name: string, value: string): Promise<void> {
		await persis.removeByAssociations([this.all, this.tag(name, value)]);
	}

	async removeAll(persis: IPersistence): Promise<void> {
		await persis.removeByAssociations([this.all]);
	}
}
