import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

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

	/** Adds a new record; for records whose id is unique by construction (events, log entries). */
	async insert(persis: IPersistence, id: string, data: T): Promise<void> {
		await persis.createWithAssociations(data, [this.all, this.key(id)]);
	}

	async remove(persis: IPersistence, id: string): Promise<void> {
		await persis.removeByAssociations([this.all, this.key(id)]);
	}

	async removeAll(persis: IPersistence): Promise<void> {
		await persis.removeByAssociations([this.all]);
	}
}
