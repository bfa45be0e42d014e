import { IHttp, ILogger, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { destructiveSummary, NameLookup, PlanPreview, previewPlan } from '../../core/admin/planPreview';
import { AppConfig } from '../../core/config';
import { accountAllocator } from '../../core/sync/allocator';
import { gate, GateDecision, safetyFloor } from '../../core/sync/gate';
import { planFingerprint, resumeIndex } from '../../core/sync/order';
import { plan as planSync } from '../../core/sync/plan';
import { checkSafety, SafetyVerdict } from '../../core/sync/safety';
import { countOps, summarize } from '../../core/sync/summary';
import { ActualState, DesiredPerson, DesiredState, OpKind, Plan, Summary, SyncOp } from '../../core/sync/types';
import { restrictRoles } from '../../core/security/roles';
import { AccountService } from '../accounts/AccountService';
import { blockedUsernames } from '../accounts/guards';
import { loadConfig } from '../../adapters/config';
import { takeLease } from '../../adapters/lease';
import { RunSampleRepository } from '../../adapters/persistence/AdminHistoryRepository';
import { LogRepository } from '../../adapters/persistence/LogRepository';
import { ManagedRoomRepository } from '../../adapters/persistence/ManagedRoomRepository';
import { MAX_PREVIEW_ITEMS, PlanPreviewRepository } from '../../adapters/persistence/PlanPreviewRepository';
import { RoomStateRepository } from '../../adapters/persistence/RoomStateRepository';
import {
	ConfirmRecord,
	FailureSample,
	HaltRecord,
	LastRunRecord,
	OpCounts,
	PassRecord,
	RunPhases,
	SyncStateRepository,
} from '../../adapters/persistence/SyncStateRepository';
import { restClientFor } from '../../adapters/rocketchat/clientFor';
import { RestError, RocketChatClient } from '../../adapters/rocketchat/RestClient';
import { ActualSnapshot, readActual } from './actual';
import { Applier, ApplyResult } from './applier';
import { mergeDesired } from '../../core/scim/desired';
import { DesiredStore, SnapshotBody } from './desiredStore';
import { loadScimDesired } from './scimDesired';
import { fetchFeed } from './feed';
import { scheduleRun } from './schedule';
import { newId } from '../../adapters/ids';
import { mapLimit } from './util';
import { describeError } from '../../core/errors';

export type SyncTrigger = 'schedule' | 'push' | 'continue' | 'request' | 'command' | 'confirm';

export interface RunOptions {
	trigger: SyncTrigger;
	/** Plan only (also forced by the dry-run-only setting). */
	dryRun?: boolean;
	/** Time this run may spend, reading included (ms). */
	budgetMs?: number;
}

export type RunOutcome = 'applied' | 'finished' | 'halted' | 'busy' | 'reading' | 'failed' | 'dry-run';

export interface RunResult {
	dryRun: boolean;
	outcome: RunOutcome;
	/** The plan this run computed, in full (conflicts capped, see `conflictCount`). */
	plan?: Summary;
	conflictCount?: number;
	/** What this run applied; failed operations are listed in its `conflicts` as `failed: ...`. */
	applied?: Summary;
	halted?: string;
	haltReasons?: string[];
	fingerprint?: string;
	/** Operations left in the pass after this run; the next run is scheduled at `continuesAt`. */
	remaining?: number;
	continuesAt?: number;
	failed?: number;
	error?: string;
	/** Managed rooms whose members are not known yet (a dry run plans them as empty). */
	unreadRooms?: number;
	/** The plan's changes by name (dry runs and halts), for the admin panel and the report. */
	preview?: PlanPreview;
	durationMs: number;
}

/** Default time budget of a processor run: well inside the 10 s a run may take. */
export const RUN_BUDGET_MS = 7_000;
/** The applier's lease: a run (its budget, a minimum chunk, the engine's 30 s bound) ends well before it. */
const LEASE_MS = 45_000;
/** Time a run applies for at least, even when reading and planning used up its budget. */
const MIN_APPLY_MS = 1_000;
/** Share of the budget given to re-reading rooms from Rocket.Chat. */
const READ_SHARE = 0.25;
/** Conflicts listed in a reply or a stored summary. */
export const MAX_LISTED_CONFLICTS = 1000;
const MAX_STORED_CONFLICTS = 100;
const MAX_FAILURE_SAMPLES = 20;
/** Wait after a server or network error before the next run retries. */
const TRANSIENT_RETRY_MS = 30_000;

/** What a step read of the sync's own records and of the desired state. */
interface Wanted {
	readonly ok: true;
	readonly store: DesiredStore;
	readonly pass: PassRecord | undefined;
	readonly halt: HaltRecord | undefined;
	readonly confirm: ConfirmRecord | undefined;
	readonly revAtStart: string | null;
	/** The pull feed's snapshot, when this step fetched it (stored when the plan goes ahead). */
	readonly feed: SnapshotBody | null;
	readonly desired: DesiredState;
}

/** What a step decided: the plan and whether it may be applied. */
interface Decision {
	readonly plan: Plan;
	readonly fingerprint: string;
	readonly verdict: SafetyVerdict;
	readonly summary: Summary;
	readonly gate: GateDecision;
	/** The plan's part of the run's result. */
	readonly base: { plan: Summary; conflictCount: number; fingerprint: string };
}

/**
 * One run of the sync: reads the desired state (or the pull feed) and what Rocket.Chat holds, plans,
 * passes the safety gate, applies a bounded chunk and stores where it stopped; the next run (scheduled
 * here) re-plans and resumes after that point. Only one instance applies at a time (a lease); the
 * others return `busy` at once. A dry run reads and plans, and writes nothing at all.
 */
export class SyncRunner {
	private readonly state = new SyncStateRepository();
	private readonly log = new LogRepository();
	private phases: RunPhases = { readMs: 0, planMs: 0, applyMs: 0 };
	/** What this run applied, failed and found in conflict, for the run history of the report. */
	private lastApplied: OpCounts = {};
	private lastFailed = 0;
	private lastConflicts = 0;
	private runStarted = 0;

	constructor(
		private readonly deps: { read: IRead; modify: IModify; http: IHttp; persis: IPersistence; logger: ILogger; now?: () => number },
	) {}

	private now(): number {
		return this.deps.now ? this.deps.now() : Date.now();
	}

	async run(options: RunOptions): Promise<RunResult> {
		const started = this.now();
		this.runStarted = started;
		const { config } = await loadConfig(this.deps.read);
		const dryRun = options.dryRun === true || config.sync.dryRunOnly;
		const budget = options.budgetMs ?? RUN_BUDGET_MS;
		const deadline = started + budget;
		const done = (r: Omit<RunResult, 'durationMs' | 'dryRun'>): RunResult => ({ dryRun, ...r, durationMs: this.now() - started });

		let rest: RocketChatClient;
		try {
			rest = await restClientFor(this.deps.http, this.deps.read, config, budget + 2_000);
		} catch (err) {
			const error = describeError(err);
			if (!dryRun) await this.recordRun(started, options.trigger, 'failed', error);
			return done({ outcome: 'failed', error });
		}

		if (dryRun) {
			const result = await this.step(config, rest, deadline, true);
			// Under the dry-run-only setting, scheduled runs leave their plan for the status (app bookkeeping only).
			if (options.dryRun !== true)
				await this.recordRun(started, options.trigger, result.outcome, result.halted ?? result.error, result.plan);
			return done(result);
		}

		const lease = await takeLease(this.deps.read.getPersistenceReader(), this.deps.persis, 'sync-apply', {
			ttlMs: LEASE_MS,
			waitMs: 0,
		});
		if (!lease) return done({ outcome: 'busy' });
		try {
			await this.state.remove(this.deps.persis, 'requested');
			const result = await this.step(config, rest, deadline, false);
			await this.recordRun(started, options.trigger, result.outcome, result.halted ?? result.error);
			return done(result);
		} catch (err) {
			const message = describeError(err);
			const entry = await this.log.add(this.deps.persis, { level: 'error', event: 'sync-failed', message });
			this.deps.logger.error(`sync run failed [${entry.reference}]: ${message}`);
			await this.recordRun(started, options.trigger, 'failed', message);
			// Rocket.Chat was busy or unreachable while reading: try again soon rather than at the next interval.
			if (err instanceof RestError && ['rate-limited', 'server', 'network', 'timeout'].includes(err.kind)) {
				await scheduleRun(this.deps.modify, this.deps.persis, this.now() + (err.waitMs ?? TRANSIENT_RETRY_MS), 'continue');
			}
			return done({ outcome: 'failed', error: message });
		} finally {
			await lease.release();
		}
	}

	/**
	 * One step of a run, in named stages: read what is wanted (`readDesired`) and what is there
	 * (`readActualState`), decide with the pure core (`decide`), then write: halt (`holdHalted`) or apply a
	 * chunk (`startApplying`, `applyChunk`). A dry run stops after deciding and writes nothing.
	 */
	private async step(
		config: AppConfig,
		rest: RocketChatClient,
		deadline: number,
		dryRun: boolean,
	): Promise<Omit<RunResult, 'durationMs' | 'dryRun'>> {
		const stepStart = this.now();
		const wanted = await this.readDesired(config, dryRun);
		if (!wanted.ok) return { outcome: 'failed', error: wanted.error };
		const read = await this.readActualState(config, rest, wanted, deadline, dryRun);
		this.phases.readMs = read.planStart - stepStart;
		if (read.kind === 'reading') return read.result;

		const decision = await this.decide(config, wanted, read.snap, read.actual);
		this.phases.planMs = this.now() - read.planStart;
		const { base, verdict } = decision;
		const preview = () => previewPlan(decision.plan.ops, planNames(wanted.desired, read.snap), MAX_PREVIEW_ITEMS);
		if (dryRun) {
			return {
				outcome: 'dry-run',
				...base,
				preview: preview(),
				...(verdict.safe ? {} : { halted: verdict.reasons.join('; '), haltReasons: [...verdict.reasons] }),
				...(read.snap.unread > 0 ? { unreadRooms: read.snap.unread } : {}),
			};
		}
		if (!decision.gate.proceed) return this.holdHalted(wanted, decision, decision.gate.reasons, preview());
		const pass = await this.startApplying(wanted, decision, decision.gate);
		return this.applyChunk(config, decision.plan, pass, read.snap, wanted.desired, deadline, base);
	}

	/** Read: the sync's bookkeeping and the desired state (the pull feed at the start of a pass, if configured, else what was pushed). */
	private async readDesired(config: AppConfig, dryRun: boolean): Promise<Wanted | { ok: false; error: string }> {
		const { read, persis } = this.deps;
		const reader = read.getPersistenceReader();
		const store = new DesiredStore(reader, dryRun ? undefined : persis);
		const [pass, halt, confirm, revAtStart] = await Promise.all([
			this.state.get(reader, 'pass'),
			this.state.get(reader, 'halt'),
			this.state.get(reader, 'confirm'),
			store.revision(),
		]);
		let desired: DesiredState;
		let feed: SnapshotBody | null = null;
		if (config.sync.feedUrl && (dryRun || !pass)) {
			const fetched = await fetchFeed(this.deps.http, config);
			if (!dryRun) {
				await this.state.put(
					persis,
					'feed',
					fetched.ok
						? {
								at: this.now(),
								ok: true,
								people: fetched.snapshot.people.length,
								groups: Object.keys(fetched.snapshot.groups).length,
							}
						: { at: this.now(), ok: false, error: fetched.error },
				);
			}
			if (!fetched.ok) {
				if (!dryRun) await this.logOnce('sync-feed-failed', fetched.error, `${fetched.error}: ${fetched.detail}`);
				return { ok: false, error: fetched.error };
			}
			feed = fetched.snapshot;
			desired = { people: feed.people, groups: feed.groups, roles: feed.roles ?? {}, excluded: feed.excluded ?? [] };
		} else {
			desired = await store.load();
		}
		// SCIM Users and Groups are part of the desired state whatever its other source.
		desired = mergeDesired(desired, await loadScimDesired(reader));
		// Roles stored before the allowlist shrank are left alone: neither granted nor revoked.
		desired = restrictRoles(desired, config.sync.assignableRoles).desired;
		return { ok: true, store, pass, halt, confirm, revAtStart, feed, desired };
	}

	/** Read: what Rocket.Chat holds. Rooms never read block planning (a dry run plans them as empty rooms). */
	private async readActualState(
		config: AppConfig,
		rest: RocketChatClient,
		wanted: Wanted,
		deadline: number,
		dryRun: boolean,
	): Promise<
		| { kind: 'reading'; planStart: number; result: Omit<RunResult, 'durationMs' | 'dryRun'> }
		| { kind: 'read'; planStart: number; snap: ActualSnapshot; actual: ActualState }
	> {
		const { read, persis } = this.deps;
		const now = this.now();
		const readBudget = dryRun ? Math.max(0, deadline - now) * 0.8 : Math.max(0, deadline - now) * READ_SHARE;
		// A run that continues a pass reads only rooms never read: the states of the others are what the pass wrote.
		const snap = await readActual(read, rest, config, wanted.desired, {
			refreshBudgetMs: readBudget,
			unreadOnly: !dryRun && wanted.pass !== undefined,
			now: () => this.now(),
		});
		if (!dryRun) await this.storeReads(snap);
		const planStart = this.now();
		if (snap.unread > 0 && !dryRun) {
			const at = this.now();
			await scheduleRun(this.deps.modify, persis, at, 'continue');
			return { kind: 'reading', planStart, result: { outcome: 'reading', unreadRooms: snap.unread, continuesAt: at } };
		}
		let actual = snap.actual;
		if (snap.unread > 0) {
			const rooms = new Map(actual.rooms);
			for (const [key, m] of snap.managed)
				if (!rooms.has(key)) rooms.set(key, { roomId: m.roomId, name: m.name, members: [], leaders: [], moderators: [] });
			actual = { ...actual, rooms };
		}
		return { kind: 'read', planStart, snap, actual };
	}

	/** Decide, with the pure core: the plan, its fingerprint, the safety verdict and the gate. */
	private async decide(config: AppConfig, wanted: Wanted, snap: ActualSnapshot, actual: ActualState): Promise<Decision> {
		const allocate = accountAllocator({
			usernames: [...[...snap.people.values()].map((r) => r.username), ...(await blockedUsernames(this.deps.read))],
			emails: [...actual.emailOwners].map(([email, owner]) => ({ email, owner })),
		});
		const plan = planSync(wanted.desired, actual, { ...config.sync, allocateAccount: allocate });
		const fingerprint = planFingerprint(plan.ops);
		const verdict = checkSafety(plan, actual, {
			safetyLimit: config.sync.safetyLimit,
			minimumCount: safetyFloor(config.sync.safetyLimit),
		});
		const summary = capped(summarize(plan));
		const decision = gate({
			verdict,
			fingerprint,
			approval: wanted.pass?.approval ?? null,
			confirmed: wanted.confirm?.fingerprint ?? null,
		});
		this.lastConflicts = plan.conflicts.length;
		return {
			plan,
			fingerprint,
			verdict,
			summary,
			gate: decision,
			base: { plan: summary, conflictCount: plan.conflicts.length, fingerprint },
		};
	}

	/** Write: the halt, for an administrator to confirm (logged once per plan). */
	private async holdHalted(
		wanted: Wanted,
		decision: Decision,
		reasons: ReadonlyArray<string>,
		preview: PlanPreview,
	): Promise<Omit<RunResult, 'durationMs' | 'dryRun'>> {
		const { read, persis } = this.deps;
		const { halt } = wanted;
		const { fingerprint } = decision;
		if (halt?.fingerprint !== fingerprint) {
			// The log names who would lose what, not only how many.
			const names = destructiveSummary(preview);
			const entry = await this.log.add(persis, {
				level: 'warning',
				event: 'sync-halted',
				message: `sync halted before writing (plan ${fingerprint}): ${reasons.join('; ')}${names.length > 0 ? ` | ${names.join(' | ')}` : ''}`,
			});
			this.deps.logger.warn(`sync halted [${entry.reference}]: ${entry.message}`);
		}
		await new PlanPreviewRepository().store(
			read.getPersistenceReader(),
			persis,
			{
				fingerprint,
				source: 'halt',
				at: this.now(),
				total: preview.total,
				stored: preview.items.length,
				byKind: preview.byKind,
				conflictCount: decision.plan.conflicts.length,
			},
			preview.items,
		);
		await this.state.put(persis, 'halt', {
			at: halt?.fingerprint === fingerprint ? halt.at : this.now(),
			fingerprint,
			reasons: [...reasons],
			plan: capped(decision.summary, MAX_STORED_CONFLICTS),
			conflictCount: decision.plan.conflicts.length,
		});
		return { outcome: 'halted', ...decision.base, halted: reasons.join('; '), haltReasons: [...reasons], preview };
	}

	/** Write: clears a halt and a used confirmation, stores a fetched feed, and opens (or goes on with) the pass. */
	private async startApplying(wanted: Wanted, decision: Decision, go: Extract<GateDecision, { proceed: true }>): Promise<PassRecord> {
		const { persis } = this.deps;
		const { fingerprint, summary, plan } = decision;
		if (wanted.halt) {
			await this.state.remove(persis, 'halt');
			await new PlanPreviewRepository().clear(this.deps.read.getPersistenceReader(), persis);
		}
		if (go.basis === 'confirmed') {
			await this.state.remove(persis, 'confirm');
			await this.log.add(persis, {
				level: 'info',
				event: 'sync-confirmed',
				message: `an administrator confirmed the plan ${fingerprint}; applying it`,
			});
		}
		let rev = wanted.revAtStart;
		if (wanted.feed) {
			await wanted.store.replace(wanted.feed);
			rev = await wanted.store.revision();
		}
		const current: PassRecord = wanted.pass ?? { ...this.newPass(fingerprint, summary, plan.conflicts.length, rev), basis: go.basis };
		current.approval = go.approval;
		return current;
	}

	private newPass(fingerprint: string, summary: Summary, conflictCount: number, desiredRev: string | null): PassRecord {
		const now = this.now();
		return {
			passId: newId('', now),
			startedAt: now,
			lastRunAt: now,
			cursor: null,
			approval: { memberships: 0, roleAssignments: 0, accounts: 0, rooms: 0 },
			basis: 'safe',
			fingerprint,
			plan: capped(summary, MAX_STORED_CONFLICTS),
			conflictCount,
			desiredRev,
			runs: 0,
			workMs: 0,
			longestRunMs: 0,
			applied: {},
			failed: {},
			skipped: 0,
			failures: [],
			remaining: 0,
		};
	}

	private async applyChunk(
		config: AppConfig,
		plan: Plan,
		pass: PassRecord,
		snap: ActualSnapshot,
		desired: DesiredState,
		deadline: number,
		base: { plan: Summary; conflictCount: number; fingerprint: string },
	): Promise<Omit<RunResult, 'durationMs' | 'dryRun'>> {
		const { read, modify, persis, http, logger } = this.deps;
		const runStart = this.now();
		const desiredPeople = new Map<string, DesiredPerson>();
		for (const p of desired.people) desiredPeople.set(p.externalId, p);
		// However long reading and planning took, every run applies something, so a pass always ends.
		const applyUntil = Math.max(deadline, runStart + MIN_APPLY_MS);
		const rest = await restClientFor(http, read, config, applyUntil - runStart + 2_000);
		const accounts = new AccountService({ read, persis, http, config, rest, logger, now: () => this.now() });
		const applier = new Applier({
			read,
			modify,
			persis,
			rest,
			accounts,
			logger,
			snapshot: snap,
			desiredPeople,
			config,
			now: () => this.now(),
		});
		const start = resumeIndex(plan.ops, pass.cursor);
		const res = await applier.apply(plan.ops, start, pass.cursor, applyUntil, pass.transientKey);
		this.phases.applyMs = this.now() - runStart;

		const elapsed = this.now() - this.runStarted;
		pass.cursor = res.cursor;
		pass.lastRunAt = this.now();
		pass.runs++;
		pass.workMs += elapsed;
		pass.longestRunMs = Math.max(pass.longestRunMs, elapsed);
		this.lastApplied = addCounts({}, countOps(res.applied));
		this.lastFailed = res.failed.length;
		pass.applied = addCounts(pass.applied, countOps(res.applied));
		pass.failed = addCounts(pass.failed, countFailed(res));
		pass.skipped += res.skipped.length;
		pass.failures = [...pass.failures, ...res.failed.map((f) => sample(f, this.now()))].slice(-MAX_FAILURE_SAMPLES);
		pass.remaining = plan.ops.length - res.next;
		if (res.transientKey) pass.transientKey = res.transientKey;
		else delete pass.transientKey;

		const applied = capped(summarize({ ops: res.applied, conflicts: [], figures: plan.figures }));
		applied.conflicts = res.failed
			.slice(0, MAX_LISTED_CONFLICTS)
			.map((f) => ({ externalId: 'externalId' in f.op ? f.op.externalId : '', reason: `failed: ${f.kind}: ${f.message}` }));
		const out = { ...base, applied, failed: res.failed.length, remaining: pass.remaining };

		if (res.stop === 'done') {
			const finishedAt = this.now();
			await this.state.put(persis, 'last', { ...pass, finishedAt });
			await this.state.remove(persis, 'pass');
			const total = Object.values(pass.applied).reduce((a, b) => a + (b ?? 0), 0);
			const failed = Object.values(pass.failed).reduce((a, b) => a + (b ?? 0), 0);
			await this.log.add(persis, {
				level: failed > 0 ? 'warning' : 'info',
				event: 'sync-finished',
				message:
					`sync pass finished in ${pass.runs} run(s): ${total} changes applied, ${failed} failed, ` +
					`${pass.skipped} skipped, ${pass.conflictCount} conflicts`,
			});
			// Changes pushed while the pass ran may sit before its cursor: another pass picks them up.
			const rev = await new DesiredStore(read.getPersistenceReader()).revision();
			if (rev !== pass.desiredRev) {
				const at = this.now();
				await scheduleRun(modify, persis, at, 'continue');
				return { outcome: 'finished', ...out, remaining: 0, continuesAt: at };
			}
			return { outcome: 'finished', ...out, remaining: 0 };
		}
		await this.state.put(persis, 'pass', pass);
		const at = this.now() + (res.stop === 'rate-limited' ? (res.waitMs ?? 60_000) : res.stop === 'transient' ? TRANSIENT_RETRY_MS : 0);
		await scheduleRun(modify, persis, at, 'continue');
		return { outcome: 'applied', ...out, continuesAt: at };
	}

	/** Stores the room states read in this run and forgets managed rooms deleted on the server. */
	private async storeReads(snap: ActualSnapshot): Promise<void> {
		const { persis } = this.deps;
		const states = new RoomStateRepository();
		const managed = new ManagedRoomRepository();
		await mapLimit(snap.refreshed, 16, (s) => states.put(persis, s));
		for (const room of snap.gone) {
			await managed.remove(persis, room.roomId);
			await states.remove(persis, room.groupKey);
			await this.log.add(persis, {
				level: 'warning',
				event: 'sync-room-gone',
				message: `room ${room.name} of group ${room.groupKey} was deleted on the server; a new one is created for the group`,
			});
		}
		for (const room of snap.duplicates) {
			await managed.remove(persis, room.roomId);
			await this.log.add(persis, {
				level: 'warning',
				event: 'sync-room-released',
				message: `room ${room.name} was a second room of group ${room.groupKey}; it is no longer managed`,
			});
		}
	}

	private async recordRun(started: number, trigger: string, outcome: RunOutcome, message?: string, plan?: Summary): Promise<void> {
		const record: LastRunRecord = { at: started, durationMs: this.now() - started, trigger, outcome };
		if (message) record.message = message.slice(0, 500);
		if (plan) record.plan = capped(plan, MAX_STORED_CONFLICTS);
		if (this.phases.readMs + this.phases.planMs + this.phases.applyMs > 0) record.phases = { ...this.phases };
		await this.state.put(this.deps.persis, 'run', record);
		if (outcome !== 'busy') {
			await new RunSampleRepository().add(this.deps.read.getPersistenceReader(), this.deps.persis, {
				at: started,
				durationMs: record.durationMs,
				trigger,
				outcome,
				applied: this.lastApplied,
				failed: this.lastFailed,
				conflicts: this.lastConflicts,
			});
		}
	}

	/** Logs a problem once while it lasts (the last run's message, `key`, says whether it is the same). */
	private async logOnce(event: string, key: string, message: string): Promise<void> {
		const last = await this.state.get(this.deps.read.getPersistenceReader(), 'run');
		if (last?.message === key) return;
		const entry = await this.log.add(this.deps.persis, { level: 'error', event, message });
		this.deps.logger.error(`${event} [${entry.reference}]: ${message}`);
	}
}

/** Names of the people and rooms a plan touches: the desired profile, else the people map; rooms as managed or created. */
function planNames(desired: DesiredState, snap: ActualSnapshot): NameLookup {
	const people = new Map<string, string>();
	for (const r of snap.people.values()) people.set(r.externalId, `${r.firstName} ${r.lastName}`.trim());
	for (const p of desired.people) people.set(p.externalId, `${p.firstName} ${p.lastName}`.trim());
	const rooms = new Map<string, string>();
	for (const [key, room] of snap.actual.rooms) rooms.set(key, room.name);
	for (const [key, m] of snap.managed) if (!rooms.has(key)) rooms.set(key, m.name);
	return {
		person: (id) => people.get(id),
		room: (key) => rooms.get(key),
	};
}

/** A summary with at most `max` conflicts listed. */
export function capped(summary: Summary, max = MAX_LISTED_CONFLICTS): Summary {
	return summary.conflicts.length <= max ? summary : { ...summary, conflicts: summary.conflicts.slice(0, max) };
}

function addCounts(a: OpCounts, b: Partial<Record<OpKind, number>>): OpCounts {
	const out: OpCounts = { ...a };
	for (const [k, v] of Object.entries(b) as Array<[OpKind, number]>) if (v > 0) out[k] = (out[k] ?? 0) + v;
	return out;
}

function countFailed(res: ApplyResult): OpCounts {
	const out: OpCounts = {};
	for (const f of res.failed) out[f.kind] = (out[f.kind] ?? 0) + 1;
	return out;
}

function sample(f: ApplyResult['failed'][number], at: number): FailureSample {
	const op: SyncOp = f.op;
	const s: FailureSample = { kind: f.kind, message: f.message.slice(0, 300), at };
	if ('externalId' in op) s.externalId = op.externalId;
	if ('groupKey' in op) s.scope = op.groupKey;
	else if ('roleName' in op) s.scope = op.roleName;
	if (f.reference) s.reference = f.reference;
	return s;
}
