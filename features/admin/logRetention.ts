import { IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { loadConfig } from '../../adapters/config';
import { AccountIntentRepository } from '../../adapters/persistence/AccountIntentRepository';
import { LogRepository } from '../../adapters/persistence/LogRepository';
import { INTENT_TTL_MS } from '../../core/accounts/provision';

export const LOG_RETENTION_JOB = 'log-retention';

/**
 * Removes integration log entries older than the retention setting, and account-creation intents older
 * than a day (core/accounts/provision.ts). Idempotent.
 */
export async function pruneLog(read: IRead, persis: IPersistence, now = Date.now()): Promise<void> {
	const { config } = await loadConfig(read);
	const cutoff = now - config.log.retentionDays * 86_400_000;
	await new LogRepository().prune(read.getPersistenceReader(), persis, cutoff);
	await new AccountIntentRepository().prune(persis, now - INTENT_TTL_MS);
}
