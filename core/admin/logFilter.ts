/** The log's filter by kind: each entry's event code belongs to one family. */
export const LOG_KINDS = ['all', 'errors', 'sync', 'accounts', 'history', 'chatbot'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

export interface LogLike {
	readonly level: string;
	readonly event: string;
}

/** The family of an event code (`sync-halted` -> sync, `account-exists` -> accounts). */
export function eventFamily(event: string): Exclude<LogKind, 'all' | 'errors'> | 'other' {
	if (event.startsWith('sync-')) return 'sync';
	if (/^(account|sso|login|photo|rest|mobile|scim)-/.test(event)) return 'accounts';
	if (event.startsWith('history-')) return 'history';
	if (/^(trigger|points|bot)-/.test(event)) return 'chatbot';
	return 'other';
}

export function parseLogKind(value: unknown): LogKind {
	return LOG_KINDS.includes(value as LogKind) ? (value as LogKind) : 'all';
}

export function matchesKind(entry: LogLike, kind: LogKind): boolean {
	if (kind === 'all') return true;
	if (kind === 'errors') return entry.level === 'error';
	return eventFamily(entry.event) === kind;
}
