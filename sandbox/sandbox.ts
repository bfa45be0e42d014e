import { execFileSync } from 'node:child_process';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { Adversary, AdversaryOptions, seedFromEnv } from './adversary';
import { EngineInstance, startInstance } from './cluster';
import { forbidden, lowerHeaders, matchPath, parseBody, readBody, RestError, RestRequest, RestResponse, send, unauthorized } from './http';
import { invalidParams, type Validator } from './rest/common';
import { appsRoutes } from './rest/apps';
import { v1Routes } from './rest/v1';
import { WorldService } from './world/service';
import { World, WorldError } from './world/world';

export const ROOT = resolve(__dirname, '..');

export interface SandboxOptions {
	/** TCP port; 0 picks a free one. */
	port?: number;
	/** Number of engine instances over the shared world (Rocket.Chat cluster members). */
	instances?: number;
	adminUsername?: string;
	adminPassword?: string;
	/** The admin's e-mail address (Rocket.Chat's ADMIN_EMAIL). */
	adminEmail?: string;
	/** API key given to the app's external API settings. */
	apiKey?: string;
	/** SCIM bearer token given to the app's SCIM settings. */
	scimToken?: string;
	/** Packaged app to install; none when omitted and `install` is false. */
	zipPath?: string;
	install?: boolean;
	/** Extra app settings applied after install. */
	settings?: Record<string, unknown>;
	/**
	 * The REST rate limiter: `stock` is a fresh server's (10 calls per endpoint per minute and
	 * caller address, api-bypass-rate-limit exempt); `off` is a server in TEST_MODE, as Rocket.Chat's
	 * own API tests run. Default: off.
	 */
	rateLimiter?: 'stock' | 'off';
	/** ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS: honour `query` and `fields` (ignored on a stock 7.x server). */
	allowUnsafeQueryAndFields?: boolean;
	/** CREATE_TOKENS_FOR_USERS (before 8.0): users.createToken for holders of user-generate-access-token. */
	createTokensForUsers?: boolean;
	/** CREATE_TOKENS_FOR_USERS_SECRET (8.0 and later): users.createToken for callers that send this secret. */
	createTokensForUsersSecret?: string;
	/**
	 * Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In: new accounts get e-mail two-factor
	 * authentication, so a password login of one with a verified address answers `totp-required`.
	 * On by default in Rocket.Chat; off by default here (docs/sandbox.md, differences).
	 */
	emailTwoFactorAutoOptIn?: boolean;
	/** The Rocket.Chat version the server reports (`/api/info`); some answers differ from 8.0 on. */
	serverVersion?: string;
	/** A Community workspace (no license): Rocket.Chat refuses to update private apps uploaded there. */
	community?: boolean;
	/**
	 * Adversarial scheduling (./adversary.ts): random delays and reordering of the calls the instances
	 * make to the shared world and of the app's REST calls. `true` draws a seed; a number is the seed.
	 */
	adversarial?: boolean | number | AdversaryOptions;
}

/** A fresh server's REST rate limiter (API_Enable_Rate_Limiter_Limit_Calls_Default / _Time_Default). */
export const STOCK_RATE_LIMIT = { enabled: true, calls: 10, windowMs: 60_000 } as const;

/** The Rocket.Chat version the sandbox reports unless told otherwise. */
export const DEFAULT_SERVER_VERSION = '7.10.0';

export interface SandboxInfo {
	url: string;
	appId?: string;
	admin: { userId: string; username: string; password: string; authToken: string };
	apiKey: string;
	scimToken: string;
}

export interface RouteContext {
	sandbox: Sandbox;
	world: World;
	service: WorldService;
	req: RestRequest;
}

export type Route = {
	method: string;
	path: string;
	auth: boolean;
	/** Rocket.Chat's `validateParams`: checks the query (GET) or body before the endpoint runs. */
	validate?: Validator;
	/** Rocket.Chat's `permissionsRequired`: all of them, or any one with `anyPermission`. */
	permissions?: string[];
	anyPermission?: boolean;
	handler: (ctx: RouteContext) => Promise<RestResponse | Record<string, unknown>> | RestResponse | Record<string, unknown>;
};

/**
 * A local Rocket.Chat stand-in: the real Apps-Engine in one or more instances over one shared
 * in-memory world, Rocket.Chat's REST API subset over HTTP, and the app routes of a real server.
 */
export class Sandbox {
	readonly world = new World();
	readonly service: WorldService;
	readonly instances: EngineInstance[] = [];
	/** Set in adversarial mode. */
	readonly adversary?: Adversary;
	appId?: string;
	/** The Apps-Engine version the instances run (ENGINE, or the pinned one); set by `start()`. */
	engineVersion = '';
	private server?: Server;
	private rr = 0;
	private readonly routes: Route[];
	private info?: SandboxInfo;
	/** Dispatches in flight (listeners, jobs), so tests can wait for quiet. */
	private readonly inflight = new Set<Promise<unknown>>();

	constructor(readonly options: SandboxOptions = {}) {
		this.routes = [...v1Routes(), ...appsRoutes()];
		const a = options.adversarial;
		if (a !== undefined && a !== false) {
			this.adversary = new Adversary(typeof a === 'object' ? a : { seed: typeof a === 'number' ? a : seedFromEnv() });
		}
		this.service = new WorldService(this.world, this.adversary);
	}

	get serverVersion(): string {
		return this.options.serverVersion ?? DEFAULT_SERVER_VERSION;
	}

	/** Whether error bodies are those of Rocket.Chat before 8.0, which made them terser (its `applyBreakingChanges`). */
	get answersAsBefore8(): boolean {
		return Number(this.serverVersion.split('.')[0]) < 8;
	}

	get url(): string {
		const addr = this.server?.address() as AddressInfo | null;
		return addr ? `http://127.0.0.1:${addr.port}` : '';
	}

	async start(): Promise<SandboxInfo> {
		const o = this.options;
		const username = o.adminUsername ?? 'admin';
		const password = o.adminPassword ?? 'admin-sandbox-password';
		const admin = this.world.createUser({
			username,
			name: 'Administrator',
			email: o.adminEmail ?? `${username}@sandbox.local`,
			password,
			roles: ['admin', 'user'],
			verified: true,
		});
		// The first admin joins the default channels, as Rocket.Chat's initial setup does.
		for (const room of this.world.rooms.values()) if (room.default) this.world.addMember(room._id, admin._id, { silent: true });
		const authToken = this.world.createPersonalAccessToken(admin._id, 'rocket-integration');
		if (o.rateLimiter === 'stock') this.world.rateLimit = { ...STOCK_RATE_LIMIT };
		if (o.allowUnsafeQueryAndFields) this.world.env.set('ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS', 'true');
		if (o.createTokensForUsers) this.world.env.set('CREATE_TOKENS_FOR_USERS', 'true');
		if (o.createTokensForUsersSecret) this.world.env.set('CREATE_TOKENS_FOR_USERS_SECRET', o.createTokensForUsersSecret);
		this.world.serverSettings.set('Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In', o.emailTwoFactorAutoOptIn === true);

		await this.listen(o.port ?? 3000);
		this.world.serverSettings.set('Site_Url', this.url);

		const count = Math.max(1, o.instances ?? 1);
		const started = await Promise.all(Array.from({ length: count }, (_, i) => startInstance(this.service, i + 1, this.adversary)));
		this.instances.push(...started);
		this.engineVersion = await this.primary().engine.engineVersion();

		const apiKey = o.apiKey ?? 'sandbox-api-key-0123456789abcdef';
		const scimToken = o.scimToken ?? 'sandbox-scim-token-0123456789abcdef';
		this.info = { url: this.url, admin: { userId: admin._id, username, password, authToken }, apiKey, scimToken };
		if (o.install !== false) {
			const zip = readFileSync(o.zipPath ?? defaultZipPath());
			this.appId = await this.installApp(zip, admin._id);
			this.info.appId = this.appId;
			await this.configureApp({
				rc_site_url: this.url,
				rc_admin_user_id: admin._id,
				rc_admin_token: authToken,
				api_keys: apiKey,
				scim_tokens: scimToken,
				api_credential_secret: 'sandbox-credential-secret-0123456789',
				...(o.createTokensForUsersSecret ? { rc_create_tokens_secret: o.createTokensForUsersSecret } : {}),
				...(o.settings ?? {}),
			});
		}
		return this.info;
	}

	async stop(): Promise<void> {
		for (const inst of this.instances) for (const pid of childPids(inst.pid)) runtimePids.add(pid);
		await Promise.allSettled(this.instances.map((i) => i.stop()));
		this.instances.length = 0;
		await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
		this.server?.closeAllConnections?.();
	}

	getInfo(): SandboxInfo {
		if (!this.info) throw new Error('sandbox not started');
		return this.info;
	}

	// ------------------------------------------------------------ app lifecycle

	/**
	 * Installs on the first instance (as the server receiving the upload), then loads on the others.
	 * Throws when the app did not end up enabled, unless `requireEnabled` is false (an upload).
	 */
	async installApp(
		zip: Buffer,
		installerId: string,
		permissions?: Array<{ name: string }>,
		{ requireEnabled = true }: { requireEnabled?: boolean } = {},
	): Promise<string> {
		const { appId, status } = await this.primary().engine.install(zip, installerId, permissions);
		if (requireEnabled && !status.includes('enabled')) throw new Error(`app installed but not enabled: ${status}`);
		await Promise.all(this.instances.slice(1).map((i) => i.engine.reload(appId)));
		return appId;
	}

	async updateApp(zip: Buffer, permissions?: Array<{ name: string }>): Promise<string> {
		const { appId } = await this.primary().engine.update(zip, permissions);
		await Promise.all(this.instances.slice(1).map((i) => i.engine.reload(appId)));
		return appId;
	}

	/** Sets app settings on every instance, as Rocket.Chat propagates a setting change to the cluster. */
	async configureApp(values: Record<string, unknown>): Promise<void> {
		const appId = this.requireAppId();
		const current = await this.primary().engine.appSettings(appId);
		for (const [id, value] of Object.entries(values)) {
			const setting = current[id];
			if (!setting) throw new Error(`unknown app setting ${id}`);
			const updated = { ...setting, value, updatedAt: new Date() };
			for (const inst of this.instances) await inst.engine.updateSetting(appId, updated);
		}
	}

	async appStatus(): Promise<string> {
		return this.appId ? this.primary().engine.status(this.appId) : 'not-installed';
	}

	requireAppId(): string {
		if (!this.appId) throw new Error('no app installed');
		return this.appId;
	}

	primary(): EngineInstance {
		const i = this.instances[0];
		if (!i) throw new Error('no engine instance');
		return i;
	}

	/** The instance that handles the next request: round robin, or the one a header names. */
	pick(preferred?: string): EngineInstance {
		if (preferred) {
			const n = Number(preferred);
			const inst = this.instances.find((i) => i.index === n);
			if (inst) return inst;
		}
		const inst = this.instances[this.rr % this.instances.length];
		this.rr++;
		return inst;
	}

	// ------------------------------------------------------------ events into the app

	/** Runs the post-message listeners on one instance, fire-and-forget as Rocket.Chat does. */
	fireMessageEvent(
		kind: 'sent' | 'updated' | 'deleted',
		messageId: string,
		instance?: EngineInstance,
		snapshot?: unknown,
		actorId?: string,
	): void {
		if (!this.appId) return;
		const inst = instance ?? this.pick();
		this.track(
			inst.engine
				.messageEvent(kind, messageId, snapshot, actorId)
				.catch((err: unknown) =>
					this.service.recordServerError(`message-${kind}`, err instanceof Error ? err.message : String(err)),
				),
		);
	}

	/** Runs every job due now (or at `now`) once, each on one instance; returns how many ran. */
	async runDueJobs(now = Date.now()): Promise<number> {
		const due = this.world.dueJobs(now);
		for (const job of due) {
			const inst = this.pick();
			let error: string | undefined;
			try {
				await inst.engine.runJob(job.appId, job.processorId, job.id, job.data);
			} catch (err) {
				error = err instanceof Error ? err.message : String(err);
				this.service.recordServerError(`job ${job.processorId}`, error);
			}
			this.world.completeJob(job.id, error, now);
		}
		return due.length;
	}

	/** Runs one job on every instance at once, as a cluster that double-fires it would. */
	async runJobOnAllInstances(processorId: string, data?: Record<string, unknown>): Promise<void> {
		const appId = this.requireAppId();
		await Promise.all(this.instances.map((i) => i.engine.runJob(appId, processorId, `manual-${i.index}`, data)));
	}

	/** Resolves when no dispatched listener or job is still running. */
	async quiesce(): Promise<void> {
		for (;;) {
			while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
			// The listener runs of messages the app wrote itself start inside the instances.
			const live = this.instances.filter((i) => i.child.connected);
			const waited = await Promise.all(live.map((i) => i.engine.idle().catch(() => 0)));
			if (waited.every((n) => n === 0) && this.inflight.size === 0) return;
		}
	}

	private track(p: Promise<unknown>): void {
		this.inflight.add(p);
		void p.finally(() => this.inflight.delete(p));
	}

	// ------------------------------------------------------------ HTTP

	private listen(port: number): Promise<void> {
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((err: unknown) => {
				send(res, { status: 500, body: { success: false, error: err instanceof Error ? err.message : String(err) } });
			});
		});
		this.server.keepAliveTimeout = 1000;
		return new Promise((resolvePromise, reject) => {
			this.server?.once('error', reject);
			this.server?.listen(port, '127.0.0.1', () => resolvePromise());
		});
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const method = (req.method ?? 'GET').toUpperCase();
		try {
			const headers = lowerHeaders(req);
			const raw = await readBody(req);
			const request: RestRequest = {
				method,
				path: url.pathname,
				query: parseQuery(url.searchParams),
				headers,
				body: parseBody(raw, headers['content-type']),
				rawBody: raw,
				params: {},
				ip: req.socket.remoteAddress ?? '',
			};
			send(res, await this.route(request));
		} catch (err) {
			send(res, toErrorResponse(err));
		}
	}

	private async route(req: RestRequest): Promise<RestResponse> {
		let pathMatched = false;
		for (const route of this.routes) {
			const params = matchRoute(route.path, req.path);
			if (!params) continue;
			pathMatched = true;
			if (route.method !== '*' && route.method !== req.method) continue;
			req.params = params;
			const v1 = route.path.startsWith('/api/v1/');
			if (v1) {
				this.world.countRestCall(route.path);
				if (this.adversary) return this.adversary.around(() => this.answer(route, req, v1));
			}
			return this.answer(route, req, v1);
		}
		if (pathMatched) return { status: 405, body: { success: false, error: 'Method not allowed' } };
		return { status: 404, body: { status: 'error', message: 'API endpoint not found' } };
	}

	/** Answers a matched route: Rocket.Chat's order is authentication, the rate limiter, parameter validation, required permissions. */
	private async answer(route: Route, req: RestRequest, v1: boolean): Promise<RestResponse> {
		req.user = this.world.authenticate(req.headers['x-user-id'], req.headers['x-auth-token']);
		if (route.auth && !req.user) throw unauthorized(this.answersAsBefore8);
		const headers = v1 ? this.applyRateLimit(route, req) : {};
		const fault = this.world.takeFault(route.path);
		if (fault !== undefined) return { status: fault, body: { success: false, error: `Injected failure (HTTP ${fault})` } };
		if (route.validate) {
			const input = req.method === 'GET' ? req.query : req.body && typeof req.body === 'object' ? req.body : {};
			if (!route.validate(input)) throw invalidParams(route.validate);
		}
		if (route.permissions && req.user) {
			const uid = req.user._id;
			const has = (p: string) => this.world.hasPermission(uid, p);
			if (!(route.anyPermission ? route.permissions.some(has) : route.permissions.every(has))) throw forbidden();
		}
		const result = await route.handler({ sandbox: this, world: this.world, service: this.service, req });
		if (isRestResponse(result)) return { ...result, headers: { ...headers, ...(result.headers ?? {}) } };
		return { status: 200, headers, body: { ...result, success: true } };
	}

	/**
	 * Rocket.Chat's REST rate limiter: calls per endpoint and method from one address in a window,
	 * unless the caller holds api-bypass-rate-limit. Returns the X-RateLimit headers of the call.
	 */
	private applyRateLimit(route: Route, req: RestRequest): Record<string, string> {
		const bypass = !!req.user && this.world.hasPermission(req.user._id, 'api-bypass-rate-limit');
		const hit = this.world.rateLimitHit(`${route.path}|${req.method}`, req.ip ?? '', bypass, false);
		if (!hit.counted) return {};
		const headers = {
			'X-RateLimit-Limit': String(hit.limit),
			'X-RateLimit-Remaining': String(hit.remaining),
			'X-RateLimit-Reset': String(hit.resetAt),
		};
		if (hit.limited) {
			const waitS = Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000));
			throw new RestError(
				429,
				{
					success: false,
					error: `Error, too many requests. Please slow down. You must wait ${waitS} seconds before trying this endpoint again. [error-too-many-requests]`,
				},
				headers,
			);
		}
		return headers;
	}
}

function matchRoute(pattern: string, path: string): Record<string, string> | undefined {
	if (pattern.endsWith('/*')) {
		const prefix = pattern.slice(0, -2);
		if (path === prefix || path.startsWith(`${prefix}/`)) return { '*': path.slice(prefix.length + 1) };
		return undefined;
	}
	return matchPath(pattern, path);
}

/** Query parameters, with `key[]=a&key[]=b` or a repeated key as an array (as Rocket.Chat's query parser). */
function parseQuery(params: URLSearchParams): Record<string, string> {
	const out: Record<string, string | string[]> = {};
	for (const key of new Set(params.keys())) {
		const values = params.getAll(key);
		if (key.endsWith('[]')) out[key.slice(0, -2)] = values;
		else out[key] = values.length > 1 ? values : values[0];
	}
	return out as Record<string, string>;
}

function isRestResponse(v: unknown): v is RestResponse {
	return !!v && typeof v === 'object' && 'status' in v && typeof v.status === 'number' && ('body' in v || 'headers' in v);
}

export function toErrorResponse(err: unknown): RestResponse {
	if (err instanceof RestError) return { status: err.status, headers: err.headers, body: err.body };
	const e = err as { errorType?: string; reason?: string; status?: number; message?: string; details?: unknown };
	if (err instanceof WorldError || e?.errorType) {
		const body: Record<string, unknown> = {
			success: false,
			error: e.reason ? `${e.reason} [${e.errorType}]` : e.message,
			errorType: e.errorType,
		};
		if (e.details) body.details = e.details;
		return { status: e.status && e.status >= 400 ? e.status : 400, body };
	}
	return { status: 500, body: { success: false, error: e?.message ?? String(err) } };
}

/** Every Deno runtime pid seen in a sandbox of this process when it stopped (none may outlive it). */
export const runtimePids = new Set<number>();

function childPids(pid: number | undefined): number[] {
	if (!pid) return [];
	try {
		return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
			.split('\n')
			.map((l) => Number(l.trim()))
			.filter((n) => Number.isInteger(n) && n > 0);
	} catch {
		return [];
	}
}

export function defaultZipPath(): string {
	const info = JSON.parse(readFileSync(resolve(ROOT, 'app.json'), 'utf8')) as { nameSlug: string; version: string };
	return resolve(ROOT, 'dist', `${info.nameSlug}_${info.version}.zip`);
}
