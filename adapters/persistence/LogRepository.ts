import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { newReference } from '../ids';
import { RecordStore } from './RecordStore';

export type LogLevel = 'info' | 'warning' | 'error';

/** One entry of the integration log. Never holds a secret (tokens, passwords, keys). */
export interface LogEntry {
	reference: string;
	ts: number;
	level: LogLevel;
	/** What happened, as a stable code: account-created, rest-error, sso-refused, sync-run, ... */
	event: string;
	externalId?: string;
	userId?: string;
	message: string;
}

/** The integration log: one record per entry, pruned by the retention setting. */
export class LogRepository {
	private readonly store = new RecordStore<LogEntry>('log');

	async add(persis: IPersistence, entry: Omit<LogEntry, 'reference' | 'ts'> & { reference?: string; ts?: number }): Promise<LogEntry> {
		const full: LogEntry = {
			...entry,
			reference: entry.reference ?? newReference(),
			ts: entry.ts ?? Date.now(),
			message: redact(entry.message),
		};
		await this.store.insert(persis, full.reference, full);
		return full;
	}

	async get(read: IPersistenceRead, reference: string): Promise<LogEntry | undefined> {
		return this.store.get(read, reference);
	}

	/** The newest entries first. */
	async latest(read: IPersistenceRead, limit: number): Promise<LogEntry[]> {
		const all = await this.store.list(read);
		return all.sort((a, b) => b.ts - a.ts || (a.reference < b.reference ? 1 : -1)).slice(0, limit);
	}

	/** Removes entries older than `cutoff` (ms epoch); returns how many. */
	async prune(read: IPersistenceRead, persis: IPersistence, cutoff: number): Promise<number> {
		const old = (await this.store.list(read)).filter((e) => e.ts < cutoff);
		for (const e of old) await this.store.remove(persis, e.reference);
		return old.length;
	}
}

/** Strips anything that looks like a credential from a log message, as a last line of defence. */
export function redact(message: string): string {
	return message
		.replace(
			/(x-auth-token|authorization|password|secret|token|authToken|loginToken|resumeToken)(["'\s:=]+)([^\s"',}&]+)/gi,
			'$1$2[redacted]',
		)
		.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]')
		.slice(0, 2000);
}
