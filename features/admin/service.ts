/**
 * The admin experience's services: what the panel, the report page and `GET status` show (read the
 * app's records and Rocket.Chat, decide with core/admin) and the actions an admin takes (dry run, sync
 * now, confirm a halted plan, retry dead letters). Every action re-checks that the user is an admin,
 * as Rocket.Chat knows them now, not as the interaction says.
 */
import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { loadConfig } from '../../adapters/config';
import { historyFigures, retryDeadLetters } from '../history/admin';
import { AccountsStateRepository } from '../../adapters/persistence/AccountsStateRepository';
import { OutboxSampleRepository, RunSampleRepository } from '../../adapters/persistence/AdminHistoryRepository';
import { DeadLetterRepository } from '../../adapters/persistence/DeadLetterRepository';
import { DesiredPersonRepository } from '../../adapters/persistence/DesiredPersonRepository';
import { LogEntry, LogRepository } from '../../adapters/persistence/LogRepository';
import { PeopleRepository } from '../../adapters/persistence/PeopleRepository';
import { PlanPreviewRepository, PreviewPointer } from '../../adapters/persistence/PlanPreviewRepository';
import { SyncStateRepository } from '../../adapters/persistence/SyncStateRepository';
import { restClientFor } from '../../adapters/rocketchat/clientFor';
import { RestError } from '../../adapters/rocketchat/RestClient';
import { confirmHalt, pendingHalt } from '../sync/admin';
import { syncStatus, SyncStatusView } from '../sync/status';
import { RunResult, SyncRunner } from '../sync/SyncRunner';
import { DoctorCheck, DoctorInput, originOf, runDoctor, SERVER_SETTINGS } from '../../core/admin/doctor';
import { LogKind, matchesKind } from '../../core/admin/logFilter';
import { clampPage, Page, PlanItem } from '../../core/admin/planPreview';
import { AppConfig, ConfigResult, validateConfig } from '../../core/config';
import { OutboxFigures } from '../../core/history/figures';

export interface AdminEnv {
	app: IApp;
	read: IRead;
	modify: IModify;
	http: IHttp;
	persis: IPersistence;
}

/** The action id of the admins' button (room header, message box) that opens the panel. */
export const PANEL_OPEN_ACTION = 'ri-admin.open';

/** Largest page of the pending plan a view or `GET status` shows. */
export const MAX_PLAN_PAGE = 200;

/** Whether the user is an admin now (roles read from the server, not taken from the interaction's payload). */
export async function isAdminNow(read: IRead, user: IUser | undefined): Promise<boolean> {
	if (!user?.id) return false;
	const fresh = await read.getUserReader().getById(user.id);
	return Array.isArray(fresh?.roles) && fresh.roles.includes('admin');
}

// ---------------------------------------------------------------- pending plan

export interface PendingPlan {
	fingerprint: string;
	source: PreviewPointer['source'];
	at: number;
	/** The halt this plan is waiting on (null: a dry run's plan, for information). */
	halted: { reasons: string[]; since: number } | null;
	total: number;
	byKind: PreviewPointer['byKind'];
	conflictCount: number;
	page: Page<PlanItem>;
}

/**
 * The pending plan by name, one page: the halted plan (waiting for a confirmation of its fingerprint),
 * else the last dry run's plan; null when neither is stored.
 */
export async function pendingPlan(read: IRead, offset: unknown, count: unknown, defaultCount = 20): Promise<PendingPlan | null> {
	const reader = read.getPersistenceReader();
	const previews = new PlanPreviewRepository();
	const [pointer, halt] = await Promise.all([previews.pointer(reader), new SyncStateRepository().get(reader, 'halt')]);
	if (!pointer) return null;
	const halted = halt && halt.fingerprint === pointer.fingerprint ? { reasons: halt.reasons, since: halt.at } : null;
	// A preview left from a halt that has since been resolved is not pending any more.
	if (pointer.source === 'halt' && !halted) return null;
	const { offset: o, count: c } = clampPage(offset, count, pointer.stored, MAX_PLAN_PAGE, defaultCount);
	const items = await previews.items(reader, pointer.fingerprint, o, c);
	return {
		fingerprint: pointer.fingerprint,
		source: pointer.source,
		at: pointer.at,
		halted,
		total: pointer.total,
		byKind: pointer.byKind,
		conflictCount: pointer.conflictCount,
		page: { offset: o, count: c, total: pointer.stored, items },
	};
}

// ---------------------------------------------------------------- overview

export interface Overview {
	configResult: ConfigResult;
	configIssues: ReturnType<typeof validateConfig>;
	rest: { ok: true; username: string; admin: boolean } | { ok: false; reason: string };
	sync: SyncStatusView;
	plan: PendingPlan | null;
	history: OutboxFigures | null;
	recentErrors: LogEntry[];
}

async function restCheck(env: AdminEnv, config: AppConfig): Promise<Overview['rest']> {
	try {
		const rest = await restClientFor(env.http, env.read, config, 8000);
		const me = await rest.me();
		return { ok: true, username: me.username, admin: (me.roles ?? []).includes('admin') };
	} catch (err) {
		return { ok: false, reason: err instanceof RestError ? err.kind : 'network' };
	}
}

export async function overview(env: AdminEnv): Promise<Overview> {
	const configResult = await loadConfig(env.read);
	const reader = env.read.getPersistenceReader();
	const [rest, sync, plan, history, log] = await Promise.all([
		restCheck(env, configResult.config),
		syncStatus(reader, configResult.config),
		pendingPlan(env.read, 0, 5),
		historyFigures(reader).catch(() => null),
		new LogRepository().latest(reader, 200),
	]);
	return {
		configResult,
		configIssues: validateConfig(configResult.config),
		rest,
		sync,
		plan,
		history,
		recentErrors: log.filter((e) => e.level === 'error').slice(0, 5),
	};
}

// ---------------------------------------------------------------- conflicts

export interface ConflictView {
	externalId: string;
	name: string | null;
	username: string | null;
	code: string;
	detail: string;
}

/** The conflicts of the halted plan, else of the pass in progress or the last pass, with the person's name. */
export async function conflicts(read: IRead): Promise<{ items: ConflictView[]; total: number }> {
	const reader = read.getPersistenceReader();
	const state = await new SyncStateRepository().all(reader);
	const source = state.halt ?? state.pass ?? state.last;
	const list = source?.plan.conflicts ?? [];
	const desired = new DesiredPersonRepository();
	const people = new PeopleRepository();
	const items = await Promise.all(
		list.map(async (c): Promise<ConflictView> => {
			const [d, p] = await Promise.all([desired.get(reader, c.externalId), people.get(reader, c.externalId)]);
			const name = d?.person ? `${d.person.firstName} ${d.person.lastName}`.trim() : p ? `${p.firstName} ${p.lastName}`.trim() : null;
			const i = c.reason.indexOf(':');
			return {
				externalId: c.externalId,
				name: name || null,
				username: p?.username ?? null,
				code: i < 0 ? c.reason : c.reason.slice(0, i).trim(),
				detail: i < 0 ? '' : c.reason.slice(i + 1).trim(),
			};
		}),
	);
	return { items, total: source?.conflictCount ?? items.length };
}

// ---------------------------------------------------------------- history

export interface HistoryView {
	figures: OutboxFigures | null;
	deadLetters: Array<{ id: string; messages: number; attempts: number; lastError: string; deadAt: number }>;
}

export async function historyView(read: IRead): Promise<HistoryView> {
	const reader = read.getPersistenceReader();
	const [figures, dead] = await Promise.all([historyFigures(reader).catch(() => null), new DeadLetterRepository().list(reader)]);
	return {
		figures,
		deadLetters: dead.map((d) => ({
			id: d.id,
			messages: d.events.length,
			attempts: d.attempts,
			lastError: d.lastError,
			deadAt: d.deadAt,
		})),
	};
}

// ---------------------------------------------------------------- log

export async function logView(read: IRead, kind: LogKind, limit: number): Promise<LogEntry[]> {
	const entries = await new LogRepository().latest(read.getPersistenceReader(), 500);
	return entries.filter((e) => matchesKind(e, kind)).slice(0, limit);
}

// ---------------------------------------------------------------- setup doctor

/** Reads the server settings and facts the doctor needs, then runs its pure checks. */
export async function doctorInput(env: AdminEnv): Promise<DoctorInput> {
	const { config } = await loadConfig(env.read);
	const serverSettings = env.read.getEnvironmentReader().getServerSettings();
	const settings: Record<string, unknown> = {};
	await Promise.all(
		Object.values(SERVER_SETTINGS).map(async (id) => {
			try {
				settings[id] = (await serverSettings.getValueById(id)) as unknown;
			} catch {
				settings[id] = undefined;
			}
		}),
	);
	let account: DoctorInput['account'] = null;
	let bypassRoles: string[] | null = null;
	try {
		const rest = await restClientFor(env.http, env.read, config, 8000);
		const me = await rest.call<{
			username: string;
			roles?: string[];
			services?: { totp?: { enabled?: boolean }; email2fa?: { enabled?: boolean } };
		}>('GET', 'me');
		// `GET me` lists the second factors that are on; without `services` it says nothing about them.
		const twoFactor = me.services ? Boolean(me.services.totp?.enabled || me.services.email2fa?.enabled) : null;
		account = { username: me.username, roles: me.roles ?? [], twoFactor };
		try {
			const perms = await rest.call<{ update?: Array<{ _id: string; roles: string[] }> }>('GET', 'permissions.listAll');
			bypassRoles = perms.update?.find((p) => p._id === 'api-bypass-rate-limit')?.roles ?? null;
		} catch {
			bypassRoles = null;
		}
	} catch {
		account = null;
	}
	const strategy = await new AccountsStateRepository().tokenStrategy(env.read.getPersistenceReader());
	return {
		settings,
		systemOrigin: originOf(config.sync.feedUrl) ?? originOf(config.history.url),
		account,
		bypassRoles,
		createTokenRefused: strategy?.createTokenUnavailableUntil ? strategy.createTokenUnavailableUntil > Date.now() : null,
		credentialSecretSet: config.api.credentialSecret !== null,
	};
}

export async function doctor(env: AdminEnv): Promise<{ checks: DoctorCheck[]; siteUrl: string | null }> {
	const input = await doctorInput(env);
	const site = input.settings[SERVER_SETTINGS.siteUrl];
	return { checks: runDoctor(input), siteUrl: typeof site === 'string' && site ? site.replace(/\/+$/, '') : null };
}

// ---------------------------------------------------------------- actions

function runner(env: AdminEnv): SyncRunner {
	return new SyncRunner({ read: env.read, modify: env.modify, http: env.http, persis: env.persis, logger: env.app.getLogger() });
}

/** A dry run; its plan by name becomes the pending preview (app bookkeeping only, nothing written to Rocket.Chat). */
export async function dryRun(env: AdminEnv): Promise<RunResult> {
	const r = await runner(env).run({ trigger: 'command', dryRun: true });
	if (r.preview && r.fingerprint) {
		const reader = env.read.getPersistenceReader();
		const halt = await new SyncStateRepository().get(reader, 'halt');
		// A halted plan stays the pending one; a dry run never replaces what waits for a confirmation.
		if (!halt)
			await new PlanPreviewRepository().store(
				reader,
				env.persis,
				{
					fingerprint: r.fingerprint,
					source: 'dry-run',
					at: Date.now(),
					total: r.preview.total,
					stored: r.preview.items.length,
					byKind: r.preview.byKind,
					conflictCount: r.conflictCount ?? 0,
				},
				r.preview.items,
			);
	}
	return r;
}

export function syncNow(env: AdminEnv): Promise<RunResult> {
	return runner(env).run({ trigger: 'command' });
}

export type ConfirmOutcome = { kind: 'confirmed'; fingerprint: string } | { kind: 'nothing' } | { kind: 'stale'; current: string };

/** Confirms the halted plan, only if it is still the one with the fingerprint the admin was shown. */
export async function confirmPlan(env: AdminEnv, user: IUser, fingerprint: string): Promise<ConfirmOutcome> {
	const halt = await pendingHalt(env.read.getPersistenceReader());
	if (!halt) return { kind: 'nothing' };
	if (halt.fingerprint.toLowerCase() !== fingerprint.trim().toLowerCase()) return { kind: 'stale', current: halt.fingerprint };
	await confirmHalt(env.modify, env.persis, halt, user.username);
	return { kind: 'confirmed', fingerprint: halt.fingerprint };
}

export function retryHistory(env: AdminEnv): ReturnType<typeof retryDeadLetters> {
	return retryDeadLetters(env.read.getPersistenceReader(), env.persis);
}

// ---------------------------------------------------------------- samples

/** Records the outbox depth now (the report's outbox chart). */
export async function sampleOutbox(read: IRead, persis: IPersistence, now = Date.now()): Promise<void> {
	const f = await historyFigures(read.getPersistenceReader(), now);
	await new OutboxSampleRepository().add(read.getPersistenceReader(), persis, {
		at: now,
		depth: f.depth,
		depthIsLowerBound: f.depthIsLowerBound,
		deadBatches: f.deadLetters.batches,
	});
}

export function runSamples(read: IRead) {
	return new RunSampleRepository().list(read.getPersistenceReader());
}

export function outboxSamples(read: IRead) {
	return new OutboxSampleRepository().list(read.getPersistenceReader());
}
