/**
 * The shared state of one sandboxed Rocket.Chat server, in parts along its seams: users (with roles
 * and permissions), rooms, messages (`./users`, `./rooms`, `./messages`, one class chain, as their
 * documents refer to each other), and three self-contained parts it holds: the apps' persistence
 * (`./persistence`), the scheduler (`./scheduler`) and the REST traffic with its rate limiter and
 * injected faults (`./faults`).
 */
import { DEFAULT_PERMISSIONS, DEFAULT_ROLES, GENERAL, ROCKET_CAT } from './defaults';
import { RateLimitConfig, RestTraffic } from './faults';
import { MessagesWorld } from './messages';
import { AppPersistence, Association } from './persistence';
import { Scheduler } from './scheduler';
import type { ScheduledJob } from './types';

/** Server settings as a fresh Rocket.Chat has them (ids and defaults as Rocket.Chat registers them). */
const SERVER_SETTING_DEFAULTS: Readonly<Record<string, unknown>> = {
	Accounts_iframe_enabled: false,
	Accounts_iframe_url: '',
	Accounts_Iframe_api_url: '',
	Accounts_Iframe_api_method: 'POST',
	Iframe_Integration_send_enable: false,
	Iframe_Integration_send_target_origin: '*',
	Iframe_Integration_receive_enable: false,
	Iframe_Integration_receive_origin: '*',
	API_Enable_CORS: false,
	API_CORS_Origin: '*',
	API_Enable_Rate_Limiter: true,
	Accounts_TwoFactorAuthentication_Enabled: true,
};

export { hashLoginToken, NAME_PATTERN, randomId, WorldError } from './base';
export type { RateLimitConfig } from './faults';
export type { PostMessageInput } from './messages';
export type { CreateRoomInput } from './rooms';
export { parseInterval } from './scheduler';
export type { CreateUserInput, UpdateUserInput } from './users';

/**
 * What MongoDB holds for a real cluster. Every engine instance reads and writes it (the second
 * instance over IPC), so two instances see one database, as in a Rocket.Chat deployment. A fresh
 * world holds what a fresh server does: the protected roles, the default permissions, the
 * `rocket.cat` bot and `#general`.
 */
export class World extends MessagesWorld {
	/** App persistence, with Rocket.Chat's semantics (./persistence.ts). */
	readonly persistence = new AppPersistence();
	readonly scheduler = new Scheduler();
	readonly traffic = new RestTraffic();

	constructor() {
		super();
		for (const r of DEFAULT_ROLES) {
			this.roles.set(r.name, {
				_id: r.name,
				name: r.name,
				scope: r.scope,
				description: r.description,
				protected: true,
				mandatory2fa: false,
			});
		}
		const seeded = new Date();
		for (const [perm, roles] of Object.entries(DEFAULT_PERMISSIONS)) {
			this.permissions.set(perm, new Set(roles));
			this.permissionsUpdatedAt.set(perm, seeded);
		}
		this.serverSettings.set('Site_Url', 'http://localhost:3000');
		this.serverSettings.set('Site_Name', 'Rocket.Chat Sandbox');
		// Rocket.Chat's ids and defaults of the settings the setup doctor reads (the iframe switch is `Accounts_iframe_enabled`).
		for (const [id, value] of Object.entries(SERVER_SETTING_DEFAULTS)) this.serverSettings.set(id, value);
		this.serverSettings.set('Accounts_SystemBlockedUsernameList', 'admin,administrator,system,user');
		this.serverSettings.set('Accounts_BlockedUsernameList', '');
		// What a fresh server holds: the built-in bot and the default channel (with no creator).
		const cat = this.createUser({ ...ROCKET_CAT, type: 'bot', roles: ['bot'] });
		cat.status = 'online';
		const general = this.createRoom({ ...GENERAL, type: 'c', creatorId: cat._id, isDefault: true });
		general.members = [];
		general.roomRoles = {};
		delete general.u;
	}

	// ---------------------------------------------------------------- app persistence (see ./persistence.ts)

	persistenceCreate(appId: string, data: unknown, associations: Association[] = []): string {
		return this.persistence.create(appId, data, associations);
	}

	persistenceReadById(appId: string, id: string): unknown {
		return this.persistence.readById(appId, id);
	}

	persistenceReadByAssociations(appId: string, associations: Association[]): unknown[] {
		return this.persistence.readByAssociations(appId, associations);
	}

	persistenceRemove(appId: string, id: string): unknown {
		return this.persistence.remove(appId, id);
	}

	persistenceRemoveByAssociations(appId: string, associations: Association[]): unknown[] | undefined {
		return this.persistence.removeByAssociations(appId, associations);
	}

	persistenceUpdate(appId: string, id: string, data: unknown, upsert: boolean): string {
		return this.persistence.update(appId, id, data, upsert);
	}

	persistenceUpdateByAssociations(appId: string, associations: Association[], data: unknown, upsert: boolean): string {
		return this.persistence.updateByAssociations(appId, associations, data, upsert);
	}

	persistencePurge(appId: string): void {
		this.persistence.purge(appId);
	}

	// ---------------------------------------------------------------- scheduler

	get jobs(): Map<string, ScheduledJob> {
		return this.scheduler.jobs;
	}

	get processors(): Map<string, Set<string>> {
		return this.scheduler.processors;
	}

	registerProcessors(appId: string, ids: string[]): void {
		this.scheduler.registerProcessors(appId, ids);
	}

	scheduleOnce(appId: string, processorId: string, when: number, data?: Record<string, unknown>): string {
		return this.scheduler.scheduleOnce(appId, processorId, when, data);
	}

	scheduleRecurring(
		appId: string,
		processorId: string,
		interval: string | number,
		skipImmediate: boolean,
		data?: Record<string, unknown>,
		now = Date.now(),
	): string {
		return this.scheduler.scheduleRecurring(appId, processorId, interval, skipImmediate, data, now);
	}

	cancelJob(appId: string, jobIdOrProcessor: string): void {
		this.scheduler.cancelJob(appId, jobIdOrProcessor);
	}

	cancelAllJobs(appId: string): void {
		this.scheduler.cancelAllJobs(appId);
	}

	dueJobs(now = Date.now()): ScheduledJob[] {
		return this.scheduler.dueJobs(now);
	}

	completeJob(jobId: string, error: string | undefined, now = Date.now()): void {
		this.scheduler.completeJob(jobId, error, now);
	}

	// ---------------------------------------------------------------- REST traffic: counts, rate limiter, faults

	get rateLimit(): RateLimitConfig {
		return this.traffic.rateLimit;
	}

	set rateLimit(config: RateLimitConfig) {
		this.traffic.rateLimit = config;
	}

	get rateLimitedCalls(): number {
		return this.traffic.rateLimitedCalls;
	}

	get restCalls(): Map<string, number> {
		return this.traffic.restCalls;
	}

	countRestCall(endpoint: string): void {
		this.traffic.countRestCall(endpoint);
	}

	rateLimitHit(...args: Parameters<RestTraffic['rateLimitHit']>): ReturnType<RestTraffic['rateLimitHit']> {
		return this.traffic.rateLimitHit(...args);
	}

	failNext(endpoint: string, status: number, count = 1): void {
		this.traffic.failNext(endpoint, status, count);
	}

	takeFault(endpoint: string): number | undefined {
		return this.traffic.takeFault(endpoint);
	}

	resetRateLimits(): void {
		this.traffic.resetRateLimits();
	}
}
