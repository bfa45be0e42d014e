import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { Lease } from '../../core/lease';
import { RecordStore } from './RecordStore';

/**
 * Leases (core/sync/lease.ts): one record per owner, removed when its holder is done. `sync-lease` guards
 * applying a plan; `sync-desired-lease` guards replacing the whole desired state (snapshots, the feed).
 */
export class SyncLeaseRepository {
	private readonly store: RecordStore<Lease>;

	constructor(aggregate: 'sync-lease' | 'sync-desired-lease' = 'sync-lease') {
		this.store = new RecordStore<Lease>(aggregate);
	}

	list(read: IPersistenceRead): Promise<Lease[]> {
		return this.store.list(read);
	}

	put(persis: IPersistence, lease: Lease): Promise<void> {
		return this.store.put(persis, lease.owner, lease);
	}

	remove(persis: IPersistence, owner: string): Promise<void> {
		return this.store.remove(persis, owner);
	}
}
