import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { DeliveryHealth } from '../../core/history/types';
import { RecordStore } from './RecordStore';

type StateRecord = { kind: 'health'; health: DeliveryHealth } | { kind: 'cursor'; bucket: number };

/** The chat-history delivery state: backoff and last error, the outbox read cursor (the lease is adapters/lease.ts). */
export class DeliveryStateRepository {
	private readonly store = new RecordStore<StateRecord>('history-state');

	async health(read: IPersistenceRead): Promise<DeliveryHealth | undefined> {
		const r = await this.store.get(read, 'health');
		return r?.kind === 'health' ? r.health : undefined;
	}

	setHealth(persis: IPersistence, health: DeliveryHealth): Promise<void> {
		return this.store.put(persis, 'health', { kind: 'health', health });
	}

	/** The first bucket that may still hold records. */
	async cursor(read: IPersistenceRead): Promise<number | undefined> {
		const r = await this.store.get(read, 'cursor');
		return r?.kind === 'cursor' ? r.bucket : undefined;
	}

	setCursor(persis: IPersistence, bucket: number): Promise<void> {
		return this.store.put(persis, 'cursor', { kind: 'cursor', bucket });
	}
}
