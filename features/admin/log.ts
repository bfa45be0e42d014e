import { IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { LogEntry, LogRepository } from '../../adapters/persistence/LogRepository';

export type { LogEntry };

/** The latest entries of the integration log, newest first. */
export function latestLogEntries(read: IPersistenceRead, limit: number): Promise<LogEntry[]> {
	return new LogRepository().latest(read, limit);
}

/** The latest errors among the last `window` log entries, newest first, at most `limit`. */
export async function recentErrors(read: IPersistenceRead, limit: number, window = 200): Promise<LogEntry[]> {
	const log = await latestLogEntries(read, window);
	return log.filter((e) => e.level === 'error').slice(0, limit);
}
