/**
 * The records of the in-memory Rocket.Chat world, shaped like Rocket.Chat's own MongoDB documents
 * (`_id`, `u`, `t`, `ts`, ...), so the REST layer can answer with the server's real shapes and the
 * engine bridges convert them to the Apps-Engine shapes as Rocket.Chat's converters do.
 */

export type UserType = 'user' | 'bot' | 'app';

export interface LoginToken {
	/** sha256 of the token, base64, as Rocket.Chat stores it. */
	hashedToken: string;
	when: Date;
	type?: 'personalAccessToken';
	name?: string;
}

export interface WUser {
	_id: string;
	username: string;
	name: string;
	emails: Array<{ address: string; verified: boolean }>;
	roles: string[];
	active: boolean;
	type: UserType;
	appId?: string;
	createdAt: Date;
	_updatedAt: Date;
	lastLogin?: Date;
	/** scrypt of the password, hex, with its salt. */
	password?: { salt: string; hash: string };
	avatarUrl?: string;
	/** Where the current avatar came from: a URL, or an uploaded image; none for the default one. */
	avatarOrigin?: 'url' | 'upload';
	avatarETag?: string;
	nickname?: string;
	bio?: string;
	customFields?: Record<string, unknown>;
	requirePasswordChange?: boolean;
	loginTokens: LoginToken[];
	/** Online status as Rocket.Chat reports it (`online` for the built-in bot, `offline` otherwise). */
	status?: 'online' | 'offline' | 'away' | 'busy';
}

export type RoomType = 'c' | 'p' | 'd';

export interface WRoom {
	_id: string;
	name: string;
	fname: string;
	t: RoomType;
	/** The creator; Rocket.Chat's seeded #general has none. */
	u?: { _id: string; username: string };
	ts: Date;
	_updatedAt: Date;
	topic?: string;
	description?: string;
	ro: boolean;
	default: boolean;
	customFields?: Record<string, unknown>;
	msgs: number;
	/** Member user ids (Rocket.Chat keeps them in subscriptions). */
	members: string[];
	/** Room-scoped roles per member: owner, moderator, leader. */
	roomRoles: Record<string, string[]>;
	/** Unread message count of each member's subscription. */
	unread: Record<string, number>;
	lastMessageAt?: Date;
	archived?: boolean;
}

export interface WMessage {
	_id: string;
	rid: string;
	msg: string;
	u: { _id: string; username: string; name?: string };
	ts: Date;
	_updatedAt: Date;
	tmid?: string;
	t?: string;
	alias?: string;
	avatar?: string;
	emoji?: string;
	attachments?: unknown[];
	blocks?: unknown[];
	customFields?: Record<string, unknown>;
	groupable?: boolean;
	editedAt?: Date;
	editedBy?: { _id: string; username: string };
	/** Set when the app created the message (the app's id). */
	appId?: string;
	/** System message data: the role of `subscription-role-added` / `-removed`. */
	role?: string;
}

export interface WRole {
	_id: string;
	name: string;
	scope: 'Users' | 'Subscriptions';
	description: string;
	protected: boolean;
	mandatory2fa: boolean;
}

export interface PersistenceRecord {
	id: string;
	appId: string;
	data: unknown;
	associations: Array<{ model: string; id: string }>;
}

export interface ScheduledJob {
	id: string;
	appId: string;
	processorId: string;
	/** Next run time (ms epoch). */
	nextRunAt: number;
	/** Interval for recurring jobs: a number of ms, or a cron/human string kept as given. */
	interval?: string | number;
	intervalMs?: number;
	data?: Record<string, unknown>;
	runCount: number;
	lastRunAt?: number;
	lastError?: string;
}

export interface EphemeralNotice {
	userId: string;
	roomId: string;
	text: string;
	blocks?: unknown[];
	ts: Date;
	appId?: string;
}

export interface UiNotice {
	userId: string;
	appId: string;
	interaction: unknown;
	ts: Date;
}

export interface OutboundCall {
	appId: string;
	method: string;
	url: string;
	status: number;
	ts: Date;
}
