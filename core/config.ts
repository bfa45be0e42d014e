import { Setting } from './settingIds';
import { NEVER_ASSIGNABLE_ROLES, parseNameList, privilegedRoleSet } from './security/accounts';
import { MIN_KEY_LENGTH, secureUrlProblem } from './security/transport';

/** The app's configuration, typed and validated, read once per call from the raw settings. */
export interface AppConfig {
	readonly rocketChat: {
		/** Base URL for links; null means "use the server's Site_Url". */
		readonly siteUrl: string | null;
		/**
		 * Base URL the app sends its REST calls (and so the admin token) to; null means "use the server's
		 * Site_Url". Never the link URL above. https, or http on a loopback address.
		 */
		readonly restUrl: string | null;
		readonly adminUserId: string | null;
		readonly adminToken: string | null;
		/** CREATE_TOKENS_FOR_USERS_SECRET of the server (Rocket.Chat 8.0 and later), for users.createToken. */
		readonly createTokensSecret: string | null;
	};
	readonly api: {
		/** Accepted bearer keys (several, for rotation), each at least 32 characters. */
		readonly keys: ReadonlyArray<string>;
		readonly outboundKey: string | null;
		readonly maxBodyBytes: number;
		/** The secret new credentials are encrypted with (the setting's first entry). */
		readonly credentialSecret: string | null;
		/** Earlier secrets (the setting's other entries): still read, so a secret can be rotated without losing credentials. */
		readonly previousCredentialSecrets: ReadonlyArray<string>;
	};
	readonly accounts: {
		readonly selfRegistration: boolean;
		readonly inactiveCooldownMs: number;
		readonly loginErrorCooldownMs: number;
		readonly mobileAccess: boolean;
		/** Link pre-existing accounts (verified e-mail on both sides, never privileged, bot or app accounts). */
		readonly linkExisting: boolean;
		/** Roles that make an account privileged (no token, no password or e-mail change); `admin` always. */
		readonly privilegedRoles: ReadonlySet<string>;
	};
	readonly sync: {
		readonly feedUrl: string | null;
		readonly intervalMinutes: number;
		readonly resyncPasswords: boolean;
		readonly photos: boolean;
		readonly email: boolean;
		readonly disableWithoutGroups: boolean;
		readonly deleteInactiveGroups: boolean;
		readonly exclusionGroup: string | null;
		readonly dryRunOnly: boolean;
		/** Largest share (0..1) of members or accounts one run may remove or deactivate. */
		readonly safetyLimit: number;
		/** Global roles the system of record may assign (never admin, bot, app, nor a privileged role). */
		readonly assignableRoles: ReadonlySet<string>;
	};
	readonly chatbot: {
		readonly triggers: boolean;
		readonly points: boolean;
		readonly pointsCooldownMs: number;
		readonly maxPointsPerMessage: number;
		readonly botName: string;
	};
	readonly history: {
		readonly enabled: boolean;
		readonly url: string | null;
		readonly batchSize: number;
		readonly allRooms: boolean;
		readonly maxAttempts: number;
	};
	readonly log: {
		readonly retentionDays: number;
	};
}

export type ConfigErrorCode =
	| 'not-a-boolean'
	| 'not-a-number'
	| 'not-an-integer'
	| 'out-of-range'
	| 'not-a-url'
	| 'not-https'
	| 'too-long'
	| 'too-short'
	| 'role-not-assignable';

export interface ConfigError {
	readonly setting: Setting;
	readonly code: ConfigErrorCode;
	/** Plain-language explanation; never contains the value of a secret setting. */
	readonly message: string;
}

export type RawSettings = Partial<Record<Setting, unknown>>;

export type ConfigResult = { ok: true; config: AppConfig } | { ok: false; errors: ReadonlyArray<ConfigError>; config: AppConfig };

/** Bounds of every numeric setting: [min, max, default]. */
export const NUMBER_BOUNDS: Readonly<Partial<Record<Setting, readonly [number, number, number]>>> = {
	[Setting.MaxBodyKb]: [1, 10240, 1024],
	[Setting.InactiveCooldownHours]: [0, 720, 2],
	[Setting.LoginErrorCooldownMinutes]: [0, 1440, 15],
	[Setting.SyncIntervalMinutes]: [1, 1440, 15],
	[Setting.SyncSafetyLimitPercent]: [0, 100, 20],
	[Setting.BotPointsCooldownSeconds]: [0, 86400, 60],
	[Setting.BotPointsMaxPerMessage]: [1, 100, 5],
	[Setting.HistoryBatchSize]: [1, 1000, 100],
	[Setting.HistoryMaxAttempts]: [1, 100, 10],
	[Setting.LogRetentionDays]: [1, 3650, 30],
};

const BOOLEAN_DEFAULTS: Readonly<Partial<Record<Setting, boolean>>> = {
	[Setting.AllowSelfRegistration]: true,
	[Setting.MobileAccess]: true,
	[Setting.SyncResyncPasswords]: false,
	[Setting.SyncPhotos]: true,
	[Setting.SyncEmail]: true,
	[Setting.SyncDisableWithoutGroups]: true,
	[Setting.SyncDeleteInactiveGroups]: true,
	[Setting.SyncDryRunOnly]: false,
	[Setting.BotTriggersEnabled]: true,
	[Setting.BotPointsEnabled]: true,
	[Setting.HistoryEnabled]: false,
	[Setting.HistoryAllRooms]: false,
	[Setting.LinkExistingAccounts]: false,
};

const MAX_TEXT = 4096;

/**
 * Splits a list of keys or secrets: one per line. Blanks and commas separate too, because Rocket.Chat shows a
 * secret setting as a single-line field (a pasted line break is dropped there); a key never holds one anyway.
 */
export function parseKeyList(raw: string): string[] {
	return raw
		.split(/[\s,]+/)
		.map((k) => k.trim())
		.filter((k) => k.length > 0);
}

/** Turns the raw setting values into one typed config, collecting every error precisely. */
export function readConfig(raw: RawSettings): ConfigResult {
	const errors: ConfigError[] = [];

	const bool = (id: Setting): boolean => {
		const fallback = BOOLEAN_DEFAULTS[id] ?? false;
		const v = raw[id];
		if (v === undefined || v === null || v === '') return fallback;
		if (typeof v === 'boolean') return v;
		if (v === 'true' || v === 'false') return v === 'true';
		errors.push({ setting: id, code: 'not-a-boolean', message: `${id} must be true or false` });
		return fallback;
	};

	const num = (id: Setting): number => {
		const [min, max, fallback] = NUMBER_BOUNDS[id] ?? [0, Number.MAX_SAFE_INTEGER, 0];
		const v = raw[id];
		if (v === undefined || v === null || v === '') return fallback;
		const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
		if (!Number.isFinite(n)) {
			errors.push({ setting: id, code: 'not-a-number', message: `${id} must be a number` });
			return fallback;
		}
		if (!Number.isInteger(n)) {
			errors.push({ setting: id, code: 'not-an-integer', message: `${id} must be a whole number` });
			return fallback;
		}
		if (n < min || n > max) {
			errors.push({ setting: id, code: 'out-of-range', message: `${id} must be between ${min} and ${max}` });
			return fallback;
		}
		return n;
	};

	const text = (id: Setting, fallback = ''): string => {
		const v = raw[id];
		if (v === undefined || v === null) return fallback;
		if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
			errors.push({ setting: id, code: 'too-long', message: `${id} must be text` });
			return fallback;
		}
		const s = String(v).trim();
		if (s.length > MAX_TEXT) {
			errors.push({ setting: id, code: 'too-long', message: `${id} must be at most ${MAX_TEXT} characters` });
			return fallback;
		}
		return s;
	};

	const optional = (id: Setting): string | null => {
		const s = text(id);
		return s === '' ? null : s;
	};

	const url = (id: Setting): string | null => {
		const s = optional(id);
		if (s === null) return null;
		if (!isHttpUrl(s)) {
			errors.push({ setting: id, code: 'not-a-url', message: `${id} must be an http(s) URL` });
			return null;
		}
		return s.replace(/\/+$/, '');
	};

	/** A URL the app sends a secret to: https, or http on a loopback address. */
	const secureUrl = (id: Setting): string | null => {
		const s = url(id);
		if (s === null) return null;
		if (secureUrlProblem(s) === 'not-https') {
			errors.push({ setting: id, code: 'not-https', message: `${id} must be an https URL (http only on a loopback address)` });
			return null;
		}
		return s;
	};

	/** Keys or secrets (see parseKeyList): each at least MIN_KEY_LENGTH characters; shorter ones are left out. */
	const keys = (id: Setting): string[] => {
		const out: string[] = [];
		for (const key of parseKeyList(text(id))) {
			if (key.length < MIN_KEY_LENGTH) {
				errors.push({
					setting: id,
					code: 'too-short',
					message: `${id}: every key must have at least ${MIN_KEY_LENGTH} characters`,
				});
			} else out.push(key);
		}
		return out;
	};

	const privilegedRoles = privilegedRoleSet(parseNameList(text(Setting.PrivilegedRoles, 'admin')));
	const assignableRoles = new Set<string>();
	for (const role of parseNameList(text(Setting.SyncAssignableRoles))) {
		if (NEVER_ASSIGNABLE_ROLES.includes(role) || privilegedRoles.has(role)) {
			errors.push({
				setting: Setting.SyncAssignableRoles,
				code: 'role-not-assignable',
				message: `${Setting.SyncAssignableRoles}: "${role}" is admin, bot, app or a privileged role and can never be assigned by the sync`,
			});
		} else assignableRoles.add(role);
	}
	const [credentialSecret, ...previousCredentialSecrets] = keys(Setting.CredentialSecret);
	const outboundKeys = keys(Setting.OutboundKey);

	const config: AppConfig = {
		rocketChat: {
			siteUrl: url(Setting.SiteUrl),
			restUrl: secureUrl(Setting.RestUrl),
			adminUserId: optional(Setting.AdminUserId),
			adminToken: optional(Setting.AdminToken),
			createTokensSecret: optional(Setting.CreateTokensSecret),
		},
		api: {
			keys: keys(Setting.ApiKeys),
			outboundKey: outboundKeys[0] ?? null,
			maxBodyBytes: num(Setting.MaxBodyKb) * 1024,
			credentialSecret: credentialSecret ?? null,
			previousCredentialSecrets,
		},
		accounts: {
			selfRegistration: bool(Setting.AllowSelfRegistration),
			inactiveCooldownMs: num(Setting.InactiveCooldownHours) * 3_600_000,
			loginErrorCooldownMs: num(Setting.LoginErrorCooldownMinutes) * 60_000,
			mobileAccess: bool(Setting.MobileAccess),
			linkExisting: bool(Setting.LinkExistingAccounts),
			privilegedRoles,
		},
		sync: {
			feedUrl: secureUrl(Setting.SyncFeedUrl),
			intervalMinutes: num(Setting.SyncIntervalMinutes),
			resyncPasswords: bool(Setting.SyncResyncPasswords),
			photos: bool(Setting.SyncPhotos),
			email: bool(Setting.SyncEmail),
			disableWithoutGroups: bool(Setting.SyncDisableWithoutGroups),
			deleteInactiveGroups: bool(Setting.SyncDeleteInactiveGroups),
			exclusionGroup: optional(Setting.SyncExclusionGroup),
			dryRunOnly: bool(Setting.SyncDryRunOnly),
			safetyLimit: num(Setting.SyncSafetyLimitPercent) / 100,
			assignableRoles,
		},
		chatbot: {
			triggers: bool(Setting.BotTriggersEnabled),
			points: bool(Setting.BotPointsEnabled),
			pointsCooldownMs: num(Setting.BotPointsCooldownSeconds) * 1000,
			maxPointsPerMessage: num(Setting.BotPointsMaxPerMessage),
			botName: text(Setting.BotDisplayName, 'Rocket Integration') || 'Rocket Integration',
		},
		history: {
			enabled: bool(Setting.HistoryEnabled),
			url: secureUrl(Setting.HistoryUrl),
			batchSize: num(Setting.HistoryBatchSize),
			allRooms: bool(Setting.HistoryAllRooms),
			maxAttempts: num(Setting.HistoryMaxAttempts),
		},
		log: {
			retentionDays: num(Setting.LogRetentionDays),
		},
	};

	return errors.length === 0 ? { ok: true, config } : { ok: false, errors, config };
}

export type ReadinessFeature = 'rest' | 'api' | 'sso' | 'history' | 'feed';

export interface ReadinessIssue {
	readonly feature: ReadinessFeature;
	readonly setting: Setting;
	readonly message: string;
}

/**
 * What a valid config still lacks for each feature to work (empty settings are valid on a fresh
 * install, but the features that need them cannot run).
 */
export function validateConfig(config: AppConfig): ReadinessIssue[] {
	const issues: ReadinessIssue[] = [];
	if (!config.rocketChat.adminUserId) {
		issues.push({ feature: 'rest', setting: Setting.AdminUserId, message: 'the admin user id for REST calls is not set' });
	}
	if (!config.rocketChat.adminToken) {
		issues.push({ feature: 'rest', setting: Setting.AdminToken, message: 'the admin personal access token is not set' });
	}
	if (config.api.keys.length === 0) {
		issues.push({ feature: 'api', setting: Setting.ApiKeys, message: 'no API key is set: every external call is refused' });
	}
	if (!config.api.credentialSecret) {
		issues.push({
			feature: 'sso',
			setting: Setting.CredentialSecret,
			message: 'the credential secret is not set: login by stored credential is unavailable',
		});
	}
	if (config.history.enabled && !config.history.url) {
		issues.push({ feature: 'history', setting: Setting.HistoryUrl, message: 'chat history is on but has no target URL' });
	}
	if ((config.history.enabled || config.sync.feedUrl) && !config.api.outboundKey) {
		issues.push({
			feature: config.history.enabled ? 'history' : 'feed',
			setting: Setting.OutboundKey,
			message: 'the outbound key for calls to the system of record is not set',
		});
	}
	return issues;
}

export function isHttpUrl(s: string): boolean {
	try {
		const u = new URL(s);
		return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
	} catch {
		return false;
	}
}
