import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IJobContext, IProcessor, StartupType } from '@rocket.chat/apps-engine/definition/scheduler';

import { loadConfig } from '../adapters/config';
import { AccountIntentRepository } from '../adapters/persistence/AccountIntentRepository';
import { LogRepository } from '../adapters/persistence/LogRepository';
import { INTENT_TTL_MS } from '../core/accounts/provision';

export const LOG_RETENTION_JOB = 'log-retention';

/**
 * Once an hour, removes integration log entries older than the retention setting, and account-creation
 * intents older than a day (core/accounts/provision.ts). Idempotent.
 */
export class LogRetentionProcessor implements IProcessor {
	public readonly id = LOG_RETENTION_JOB;
	public readonly startupSetting = { type: StartupType.RECURRING as const, interval: '1 hour', skipImmediate: true };

	public async processor(_ctx: IJobContext, read: IRead, _modify: IModify, _http: IHttp, persis: IPersistence): Promise<void> {
		const { config } = await loadConfig(read);
		const cutoff = Date.now() - config.log.retentionDays * 86_400_000;
		await new LogRepository().prune(read.getPersistenceReader(), persis, cutoff);
		await new AccountIntentRepository().prune(persis, Date.now() - INTENT_TTL_MS);
	}
}
