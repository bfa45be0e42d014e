import { execFileSync } from 'node:child_process';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { Adversary, AdversaryOptions, seedFromEnv } from './adversary';
import { EngineInstance, startInstance } from './cluster';
import { lowerHeaders, matchPath, parseBody, readBody, RestError, RestRequest, RestResponse, send } from './http';
import { appsRoutes } from './rest/apps';
import { v1Routes } from './rest/v1';
import { WorldService } from './world/service';
import { World, WorldError } from './world/world';
import type { WUser } from './world/types';

export const ROOT = resolve(__dirname, '..');

export interface SandboxOptions {
	/** TCP port; 0 picks a free one. */
	port?: number;
	/** Number of engine instances over the shared world (Rocket.Chat cluster members). */
	instances?: number;
	adminUsername?: string;
	adminPassword?: string;
	/** API key given to the app's external API settings. */
	apiKey?: string;
	/** SCIM bearer token given to the app's SCIM settings. */
	scimToken?: string;
	/** Packaged app to install; none when omitted and `install` is false. */
	zipPath?: string;
	install?: boolean;
	/** Extra app settings applied after install. */
	settings?: Record<string, unknown>;
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
			email: `${username}@sandbox.local`,
			password,
			roles: ['admin', 'user'],
			verified: true,
		});
		const authToken = this.world.createPersonalAccessToken(admin._id, 'rocket-integration');
		this.world.env.set('CREATE_TOKENS_FOR_USERS_SECRET', 'sandbox-create-tokens-secret');

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
				rc_create_tokens_secret: this.world.env.get('CREATE_TOKENS_FOR_USERS_SECRET'),
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
		this.track(inst.engine.messageEvent(kind, messageId, snapshot, actorId).catch(() => undefined));
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
		while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
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
				query: Object.fromEntries(url.searchParams),
				headers,
				body: parseBody(raw, headers['content-type']),
				rawBody: raw,
				params: {},
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
			if (route.path.startsWith('/api/v1/')) {
				this.world.countRestCall(route.path);
				if (this.adversary) return this.adversary.around(() => this.answer(route, req));
			}
			return this.answer(route, req);
		}
		if (pathMatched) return { status: 405, body: { success: false, error: 'Method not allowed' } };
		return { status: 404, body: { status: 'error', message: 'API endpoint not found' } };
	}

	private async answer(route: Route, req: RestRequest): Promise<RestResponse> {
		if (route.auth) {
			const user = this.world.authenticate(req.headers['x-user-id'], req.headers['x-auth-token']);
			if (!user) {
				const message = 'You must be logged in to do this.';
				throw new RestError(401, {
					success: false,
					error: message,
					...(this.answersAsBefore8 ? { status: 'error', message } : {}),
				});
			}
			req.user = user;
			this.applyRateLimit(route, user);
		}
		const fault = this.world.takeFault(route.path);
		if (fault !== undefined) return { status: fault, body: { success: false, error: `Injected failure (HTTP ${fault})` } };
		const result = await route.handler({ sandbox: this, world: this.world, service: this.service, req });
		if (isRestResponse(result)) return result;
		return { status: 200, body: { ...result, success: true } };
	}

	private applyRateLimit(route: Route, user: WUser): void {
		if (!route.path.startsWith('/api/v1/')) return;
		const bypass = this.world.hasPermission(user._id, 'api-bypass-rate-limit');
		const hit = this.world.rateLimitHit(route.path, user._id, bypass, false);
		if (hit.limited) {
			const waitS = Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000));
			throw new RestError(
				429,
				{
					success: false,
					error: `Error, too many requests. Please slow down. You must wait ${waitS} seconds before trying this endpoint again. [error-too-many-requests]`,
				},
				{ 'X-RateLimit-Limit': String(hit.limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(hit.resetAt) },
			);
		}
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
