import { createHash, randomBytes } from 'node:crypto';

import type { EphemeralNotice, OutboundCall, UiNotice, WMessage, WRole, WRoom, WUser } from './types';

const ID_CHARS = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';

/** A Rocket.Chat-style random id (17 characters). */
export function randomId(length = 17): string {
	const bytes = randomBytes(length);
	let out = '';
	for (let i = 0; i < length; i++) out += ID_CHARS[bytes[i] % ID_CHARS.length];
	return out;
}

export function hashLoginToken(token: string): string {
	return createHash('sha256').update(token).digest('base64');
}

/** Rocket.Chat's error shape: `reason [errorType]`, with the type kept apart. */
export class WorldError extends Error {
	constructor(
		readonly errorType: string,
		readonly reason: string,
		readonly status = 400,
		readonly details?: Record<string, unknown>,
	) {
		super(`${reason} [${errorType}]`);
	}
}

/** Default name validation of Rocket.Chat (UTF8_User_Names_Validation / UTF8_Channel_Names_Validation). */
export const NAME_PATTERN = /^[0-9a-zA-Z-_.]+$/;

export function clone<T>(v: T): T {
	return v === undefined ? v : structuredClone(v);
}

/**
 * The collections of one sandboxed Rocket.Chat server that its parts share (users, rooms and messages
 * refer to each other, as the documents of Rocket.Chat's MongoDB do), and the server's own records:
 * settings, environment switches, and what the apps leave (notices, logs, storage).
 */
export abstract class WorldBase {
	readonly users = new Map<string, WUser>();
	readonly rooms = new Map<string, WRoom>();
	readonly messages = new Map<string, WMessage>();
	readonly roomMessages = new Map<string, string[]>();
	readonly roles = new Map<string, WRole>();
	/** permission id -> roles holding it */
	readonly permissions = new Map<string, Set<string>>();
	/** permission id -> when its roles last changed (permissions.listAll's updatedSince). */
	readonly permissionsUpdatedAt = new Map<string, Date>();
	readonly serverSettings = new Map<string, unknown>();
	readonly ephemeral: EphemeralNotice[] = [];
	readonly uiNotices: UiNotice[] = [];
	readonly outboundCalls: OutboundCall[] = [];
	/** The apps' log entries as the engine stores them (each with `seq`, its number in arrival order); the latest 5,000. */
	readonly appLogs: unknown[] = [];
	/** How many app log entries were ever stored (the `seq` of the latest). */
	appLogCount = 0;
	/** Calls the engine refused because an app lacks a permission (Rocket.Chat only logs them). */
	readonly permissionErrors: Array<{ message: string; ts: Date }> = [];
	/**
	 * What a Rocket.Chat server writes to its own log about an app, while the app sees nothing: a
	 * listener, command, endpoint or UI handler that threw (the engine swallows the error), a job
	 * that failed, a message event that could not be delivered. Tests check it stays empty.
	 */
	readonly serverErrors: Array<{ source: string; message: string; ts: Date }> = [];
	/** Apps-Engine metadata storage items, by app id. */
	readonly appStorage = new Map<string, Record<string, unknown>>();
	readonly appSources = new Map<string, Buffer>();
	/** Environment switches of the server (e.g. CREATE_TOKENS_FOR_USERS_SECRET). */
	readonly env = new Map<string, string>();
}
