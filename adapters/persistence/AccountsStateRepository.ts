import { IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { RecordStore } from './RecordStore';

/** What the account service learnt about the server's token switch (written by adapters/accounts/AccountService.ts). */
export interface TokenStrategyRecord {
	createTokenUnavailableUntil?: number;
}

/** Read-only view of the account service's state, for the setup doctor. */
export class AccountsStateRepository {
	private readonly store = new RecordStore<TokenStrategyRecord>('accounts-state');

	tokenStrategy(read: IPersistenceRead): Promise<TokenStrategyRecord | undefined> {
		return this.store.get(read, 'token-strategy');
	}
}
