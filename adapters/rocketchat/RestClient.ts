import { IHttp, IHttpResponse } from '@rocket.chat/apps-engine/definition/accessors';

import { decideRetry, Outcome } from '../../core/retry';

export type RestErrorKind =
	| 'not-configured'
	| 'unauthorized'
	| 'forbidden'
	| 'not-found'
	| 'bad-request'
	| 'conflict'
	| 'rate-limited'
	| 'server'
	| 'network'
	| 'timeout';

/**
 * A failed call to Rocket.Chat's REST API. The message names the endpoint, the kind, the status and
 * Rocket.Chat's error type; it never contains a token or a password.
 */
export class RestError extends Error {
	constructor(
		readonly kind: RestErrorKind,
		readonly endpoint: string,
		readonly status?: number,
		readonly errorType?: string,
		readonly serverMessage?: string,
		/** For rate-limited calls: how long the server asked us to wait. */
		readonly waitMs?: number,
	) {
		super(
			`${endpoint}: ${kind}${status ? ` (HTTP ${status})` : ''}${errorType ? ` [${errorType}]` : ''}${serverMessage ? `: ${serverMessage.slice(0, 200)}` : ''}`,
		);
		this.name = 'RestError';
	}
}

export interface RestCredentials {
	userId: string;
	authToken: string;
}

export interface RestClientOptions {
	/** Server base URL, e.g. https://chat.example.org (no trailing slash). */
	baseUrl: string;
	credentials: RestCredentials;
	/** Total time this client may spend, retries included (the runtime bounds every call at 30 s). */
	budgetMs?: number;
	maxAttempts?: number;
	requestTimeoutMs?: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
}

interface CallOptions {
	query?: Record<string, string | number | boolean | undefined>;
	body?: unknown;
	/** Safe to repeat after a 5xx, a timeout or a network error. */
	idempotent?: boolean;
	/** Credentials for this call; `null` for an anonymous call (login). Defaults to the admin's. */
	as?: RestCredentials | null;
}

/** The fields of Rocket.Chat's user objects the app reads (users.create, users.info, users.list). */
export interface RcUser {
	_id: string;
	username?: string;
	name?: string;
	active?: boolean;
	roles?: string[];
	emails?: Array<{ address: string; verified?: boolean }>;
	/** `user`, `bot` or `app`. */
	type?: string;
	/** ISO dates (users.list, users.info). */
	lastLogin?: string;
	createdAt?: string;
}

type UserResult = RcUser;

export interface CreateUserInput {
	username: string;
	name: string;
	email: string;
	password: string;
	verified?: boolean;
	active?: boolean;
	roles?: string[];
	requirePasswordChange?: boolean;
	joinDefaultChannels?: boolean;
	sendWelcomeEmail?: boolean;
	nickname?: string;
}

/**
 * Rocket.Chat's REST API, for what the Apps-Engine accessors cannot do. Typed requests and results,
 * typed errors; retries only what is safe to repeat, backs off on 429 honouring Retry-After or
 * X-RateLimit-Reset, and never goes past its time budget.
 */
export class RocketChatClient {
	private readonly deadline: number;
	private readonly now: () => number;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly random: () => number;
	/** REST calls made (attempts included), by endpoint. */
	readonly calls = new Map<string, number>();

	constructor(
		private readonly http: IHttp,
		private readonly options: RestClientOptions,
	) {
		this.now = options.now ?? (() => Date.now());
		this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
		this.random = options.random ?? Math.random;
		this.deadline = this.now() + (options.budgetMs ?? 20_000);
	}

	/** The account the client calls as (the integration account). */
	get callerId(): string {
		return this.options.credentials.userId;
	}

	get totalCalls(): number {
		let n = 0;
		for (const v of this.calls.values()) n += v;
		return n;
	}

	remainingMs(): number {
		return this.deadline - this.now();
	}

	async call<T>(method: 'GET' | 'POST', endpoint: string, options: CallOptions = {}): Promise<T> {
		const maxAttempts = this.options.maxAttempts ?? 4;
		const idempotent = options.idempotent ?? method === 'GET';
		for (let attempt = 1; ; attempt++) {
			const remaining = this.remainingMs();
			if (remaining <= 0) throw new RestError('timeout', endpoint, undefined, undefined, 'time budget exhausted');
			this.calls.set(endpoint, (this.calls.get(endpoint) ?? 0) + 1);
			let response: IHttpResponse | undefined;
			let outcome: Outcome;
			try {
				response = await this.send(method, endpoint, options, Math.min(remaining, this.options.requestTimeoutMs ?? 10_000));
				outcome = {
					kind: 'status',
					status: response.statusCode,
					retryAfterHeader: header(response, 'retry-after'),
					rateLimitResetHeader: header(response, 'x-ratelimit-reset'),
				};
			} catch (err) {
				outcome = /time(d)?\s?out|timeout|ETIMEDOUT|aborted/i.test(err instanceof Error ? err.message : String(err))
					? { kind: 'timeout' }
					: { kind: 'network' };
			}
			if (response && response.statusCode >= 200 && response.statusCode < 300) return parseBody<T>(response);
			const decision = decideRetry({
				outcome,
				attempt,
				maxAttempts,
				idempotent,
				now: this.now(),
				remainingMs: this.remainingMs(),
				random: this.random(),
			});
			if (decision.retry) {
				await this.sleep(decision.delayMs);
				continue;
			}
			throw toError(
				endpoint,
				outcome,
				response,
				decision.reason === 'budget' || decision.reason === 'attempts' ? decision.waitMs : undefined,
			);
		}
	}

	private async send(method: 'GET' | 'POST', endpoint: string, options: CallOptions, timeout: number): Promise<IHttpResponse> {
		const headers: Record<string, string> = { Accept: 'application/json' };
		const creds = options.as === undefined ? this.options.credentials : options.as;
		if (creds) {
			headers['X-User-Id'] = creds.userId;
			headers['X-Auth-Token'] = creds.authToken;
		}
		const params: Record<string, string> = {};
		for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) params[k] = String(v);
		const url = `${this.options.baseUrl}/api/v1/${endpoint}`;
		if (method === 'GET') return this.http.get(url, { headers, params, timeout });
		headers['Content-Type'] = 'application/json';
		return this.http.post(url, { headers, params, content: JSON.stringify(options.body ?? {}), timeout });
	}

	// ------------------------------------------------------------ typed endpoints

	me(): Promise<{ _id: string; username: string; roles?: string[] }> {
		return this.call('GET', 'me');
	}

	async userById(userId: string): Promise<UserResult | undefined> {
		try {
			const r = await this.call<{ user: UserResult }>('GET', 'users.info', { query: { userId } });
			return r.user;
		} catch (err) {
			if (err instanceof RestError && (err.kind === 'bad-request' || err.kind === 'not-found')) return undefined;
			throw err;
		}
	}

	async userByUsername(username: string): Promise<UserResult | undefined> {
		try {
			const r = await this.call<{ user: UserResult }>('GET', 'users.info', { query: { username } });
			return r.user;
		} catch (err) {
			if (err instanceof RestError && (err.kind === 'bad-request' || err.kind === 'not-found')) return undefined;
			throw err;
		}
	}

	/** Not idempotent: a timeout may still have created the account, so it is never retried blindly. */
	async createUser(input: CreateUserInput): Promise<UserResult> {
		const body: CreateUserInput = { ...input };
		const r = await this.call<{ user: UserResult }>('POST', 'users.create', { body, idempotent: false });
		return r.user;
	}

	async updateUser(userId: string, data: Record<string, unknown>): Promise<UserResult> {
		const r = await this.call<{ user: UserResult }>('POST', 'users.update', { body: { userId, data }, idempotent: true });
		return r.user;
	}

	async setAvatar(userId: string, avatarUrl: string): Promise<void> {
		await this.call('POST', 'users.setAvatar', { body: { userId, avatarUrl }, idempotent: true });
	}

	async setActiveStatus(userId: string, activeStatus: boolean): Promise<void> {
		await this.call('POST', 'users.setActiveStatus', { body: { userId, activeStatus, confirmRelinquish: true }, idempotent: true });
	}

	/** A login token for the user (needs the server's token-creation switch; secret from 8.0 on). */
	async createToken(userId: string, secret?: string): Promise<RestCredentials> {
		const body: Record<string, unknown> = { userId };
		if (secret) body.secret = secret;
		const r = await this.call<{ data: { userId: string; authToken: string } }>('POST', 'users.createToken', { body, idempotent: true });
		return { userId: r.data.userId, authToken: r.data.authToken };
	}

	/** Logs in as a user with a password: a new login token for that user. */
	async login(user: string, password: string): Promise<RestCredentials> {
		const r = await this.call<{ data: { userId: string; authToken: string } }>('POST', 'login', {
			body: { user, password },
			as: null,
			idempotent: true,
		});
		return { userId: r.data.userId, authToken: r.data.authToken };
	}

	async deactivateIdle(daysIdle: number, role?: string): Promise<number> {
		const body: Record<string, unknown> = { daysIdle };
		if (role) body.role = role;
		const r = await this.call<{ count: number }>('POST', 'users.deactivateIdle', { body, idempotent: true });
		return r.count;
	}

	/**
	 * The account holding an e-mail address (compared exactly, ignoring case), if any. A stock
	 * Rocket.Chat 7 ignores `users.list`'s `query` (unless ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS is
	 * set), so this searches with `users.listByStatus` and keeps only an exact match.
	 */
	async userByEmail(email: string): Promise<UserResult | undefined> {
		const want = email.trim().toLowerCase();
		const r = await this.call<{ users: UserResult[] }>('GET', 'users.listByStatus', {
			query: { searchTerm: email.trim(), count: 100 },
		});
		return r.users.find((u) => (u.emails ?? []).some((e) => e.address.toLowerCase() === want));
	}

	/** A page of the active accounts holding `role` (`users.listByStatus`). */
	async activeUsersInRole(role: string, offset: number, count: number): Promise<{ users: UserResult[]; total: number }> {
		return this.call('GET', 'users.listByStatus', { query: { status: 'active', 'roles[]': role, offset, count } });
	}

	async roles(): Promise<Array<{ _id: string; name: string; scope: string }>> {
		const r = await this.call<{ roles: Array<{ _id: string; name: string; scope: string }> }>('GET', 'roles.list');
		return r.roles;
	}

	async usersInRole(
		roleName: string,
		offset = 0,
		count = 100,
	): Promise<{ users: Array<{ _id: string; username: string }>; total: number }> {
		return this.call('GET', 'roles.getUsersInRole', { query: { role: roleName, offset, count } });
	}

	async addUserToRole(roleId: string, username: string): Promise<void> {
		await this.call('POST', 'roles.addUserToRole', { body: { roleId, username }, idempotent: true });
	}

	async removeUserFromRole(roleId: string, username: string): Promise<void> {
		await this.call('POST', 'roles.removeUserFromRole', { body: { roleId, username }, idempotent: true });
	}

	async groupRoles(roomId: string): Promise<Array<{ u: { _id: string; username?: string }; roles: string[] }>> {
		const r = await this.call<{ roles: Array<{ u: { _id: string; username?: string }; roles: string[] }> }>('GET', 'groups.roles', {
			query: { roomId },
		});
		return r.roles;
	}

	async setRoomRole(roomId: string, userId: string, role: 'moderator' | 'leader', on: boolean): Promise<void> {
		const endpoint = `groups.${on ? 'add' : 'remove'}${role === 'moderator' ? 'Moderator' : 'Leader'}`;
		await this.call('POST', endpoint, { body: { roomId, userId }, idempotent: true });
	}

	async invite(roomId: string, userId: string): Promise<void> {
		await this.call('POST', 'groups.invite', { body: { roomId, userId }, idempotent: true });
	}

	async kick(roomId: string, userId: string): Promise<void> {
		await this.call('POST', 'groups.kick', { body: { roomId, userId }, idempotent: true });
	}

	async setTopic(roomId: string, topic: string): Promise<void> {
		await this.call('POST', 'groups.setTopic', { body: { roomId, topic }, idempotent: true });
	}

	/** Back to the default avatar (the one made from the username). */
	async resetAvatar(userId: string): Promise<void> {
		await this.call('POST', 'users.resetAvatar', { body: { userId }, idempotent: true });
	}
}

function header(res: IHttpResponse, name: string): string | undefined {
	for (const [k, v] of Object.entries(res.headers ?? {})) if (k.toLowerCase() === name) return String(v);
	return undefined;
}

function parseBody<T>(res: IHttpResponse): T {
	if (res.data !== undefined && res.data !== null) return res.data as T;
	try {
		return (res.content ? JSON.parse(res.content) : {}) as T;
	} catch {
		return {} as T;
	}
}

function toError(endpoint: string, outcome: Outcome, res: IHttpResponse | undefined, waitMs?: number): RestError {
	if (outcome.kind === 'timeout') return new RestError('timeout', endpoint);
	if (outcome.kind === 'network' || !res) return new RestError('network', endpoint);
	const status = res.statusCode;
	const body = res ? parseBody<{ status?: unknown; error?: unknown; errorType?: unknown; message?: unknown }>(res) : {};
	// Most endpoints name the error in `errorType`; `login` answers `{status: 'error', error: 'totp-required', ...}`.
	const errorType =
		typeof body.errorType === 'string'
			? body.errorType
			: body.status === 'error' && typeof body.error === 'string' && /^[a-z][a-z0-9-]*$/.test(body.error)
				? body.error
				: undefined;
	const text = typeof body.error === 'string' ? body.error : typeof body.message === 'string' ? body.message : undefined;
	const kind: RestErrorKind =
		status === 429
			? 'rate-limited'
			: status === 401
				? 'unauthorized'
				: status === 403
					? 'forbidden'
					: status === 404
						? 'not-found'
						: status === 409
							? 'conflict'
							: status >= 500
								? 'server'
								: 'bad-request';
	return new RestError(kind, endpoint, status, errorType, text, waitMs);
}
