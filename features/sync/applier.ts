import { ILogger, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { AppConfig } from '../../core/config';
import { OpPosition, opKey, opPosition } from '../../core/sync/order';
import { CreateRoomOp, DesiredPerson, MemberOp, OpKind, SyncOp } from '../../core/sync/types';
import { roleRefusal } from '../../core/security/roles';
import { AccountService } from '../accounts/AccountService';
import { AccountChangeRefused, changeRefusal } from '../accounts/guards';
import { LogRepository } from '../../adapters/persistence/LogRepository';
import { ManagedRoomRepository } from '../../adapters/persistence/ManagedRoomRepository';
import { PeopleRepository, PersonRecord } from '../../adapters/persistence/PeopleRepository';
import { RoomStateRecord, RoomStateRepository } from '../../adapters/persistence/RoomStateRepository';
import { RestError, RocketChatClient } from '../../adapters/rocketchat/RestClient';
import { ActualSnapshot } from './actual';
import { mapLimit } from './util';

/** Members added or removed in one call. */
const MEMBER_BATCH = 200;
/** Room states written as soon as this many rooms changed (and at the end of the run). */
const FLUSH_EVERY = 250;
/** Failures written to the integration log one by one per run; the rest are summed up in one entry. */
const LOGGED_FAILURES = 20;
/**
 * Custom field that marks a room as the room of a group, so a room created by a run that died before recording it is
 * adopted. Only a room the app's bot created is adopted: anyone can create a room with this field.
 */
export const GROUP_KEY_FIELD = 'riGroupKey';

/** Rocket.Chat's answers that mean "already so": the operation is done. */
const ALREADY_DONE = new Set([
	'error-user-already-leader',
	'error-user-already-moderator',
	'error-user-not-leader',
	'error-user-not-moderator',
	'error-user-already-in-role',
	'error-user-not-in-role',
]);

export type StopReason = 'done' | 'budget' | 'rate-limited' | 'transient';

export interface FailedOp {
	op: SyncOp;
	/** The kind that failed (a room's topic can fail after its creation succeeded). */
	kind: OpKind;
	message: string;
	reference?: string;
}

export interface ApplyResult {
	/** Position of the last operation handled (applied, failed or skipped), or the cursor it started from. */
	cursor: OpPosition | null;
	/** Index of the first operation not handled. */
	next: number;
	applied: SyncOp[];
	failed: FailedOp[];
	skipped: SyncOp[];
	stop: StopReason;
	/** For `rate-limited`: how long Rocket.Chat asked to wait. */
	waitMs?: number;
	/** For `transient`: the operation that hit a server or network error (retried once by the next run). */
	transientKey?: string;
}

export interface ApplierDeps {
	read: IRead;
	modify: IModify;
	persis: IPersistence;
	rest: RocketChatClient;
	accounts: AccountService;
	logger: ILogger;
	/** What the run read (people map, rooms, role ids); updated in place as operations succeed. */
	snapshot: ActualSnapshot;
	/** The desired people, by externalId (new accounts and profiles are made from them). */
	desiredPeople: ReadonlyMap<string, DesiredPerson>;
	/** The settings (roles the sync may assign, privileged roles). */
	config: AppConfig;
	now?: () => number;
}

type Outcome =
	{ ok: true } | { ok: false; skipped: true } | { ok: false; skipped: false; message: string; reference?: string; kind?: OpKind };

const DONE: Outcome = { ok: true };
const SKIP: Outcome = { ok: false, skipped: true };

class StopRun extends Error {
	constructor(
		readonly reason: 'budget' | 'rate-limited' | 'transient',
		readonly waitMs?: number,
	) {
		super(reason);
	}
}

/**
 * Applies a plan's operations from `start`, in order, until the plan ends or `deadline` passes.
 * Accessors where they can (rooms are created, members added and removed, rooms deleted as the app's
 * bot user); the REST client for the rest (room roles, global roles, profiles, avatars, account states);
 * new accounts through the accounts module, so sync and single sign-on name them alike.
 *
 * Every operation is idempotent: "already a leader" and the like count as done. A failed operation is
 * counted and logged and the walk goes on (the next pass retries it); operations that depend on a failed
 * account or room are skipped. A rate limit, an exhausted time budget or a server or network error stops
 * the walk before the operation, which the next run retries first (a second transient failure of the
 * same operation counts as a failure, so one bad operation cannot hold up the rest).
 */
export class Applier {
	private readonly people = new PeopleRepository();
	private readonly managedRepo = new ManagedRoomRepository();
	private readonly states = new RoomStateRepository();
	private readonly log = new LogRepository();
	private readonly now: () => number;
	private readonly dirtyRooms = new Set<string>();
	/** Operations already done by an earlier step of this run (members added when their room was created). */
	private readonly doneEarly = new Set<number>();
	private bot: IUser | undefined;
	private caller: { id: string; username: string } | undefined;
	private loggedFailures = 0;
	private unloggedFailures = 0;

	constructor(private readonly deps: ApplierDeps) {
		this.now = deps.now ?? (() => Date.now());
	}

	async apply(
		ops: ReadonlyArray<SyncOp>,
		start: number,
		startCursor: OpPosition | null,
		deadline: number,
		transientKey?: string,
	): Promise<ApplyResult> {
		const result: ApplyResult = { cursor: startCursor, next: start, applied: [], failed: [], skipped: [], stop: 'done' };
		const newRoomMembers = indexNewRoomMembers(ops, start);
		let i = start;
		try {
			while (i < ops.length) {
				if (this.now() >= deadline) throw new StopRun('budget');
				const op = ops[i];
				if (this.doneEarly.has(i)) {
					result.applied.push(op);
					i++;
					result.next = i;
					result.cursor = opPosition(op);
					continue;
				}
				const end = op.kind === 'addMember' || op.kind === 'removeMember' ? batchEnd(ops, i, this.doneEarly) : i + 1;
				const outcomes = await this.step(ops, i, end, newRoomMembers, transientKey);
				for (let k = i; k < end; k++) {
					const o = outcomes[k - i];
					if (o.ok) result.applied.push(ops[k]);
					else if (o.skipped) result.skipped.push(ops[k]);
					else {
						const reference = o.reference ?? (await this.logFailure(ops[k], o.kind ?? ops[k].kind, o.message));
						result.failed.push({
							op: ops[k],
							kind: o.kind ?? ops[k].kind,
							message: o.message,
							...(reference ? { reference } : {}),
						});
					}
				}
				i = end;
				result.next = i;
				result.cursor = opPosition(ops[end - 1]);
				if (this.dirtyRooms.size >= FLUSH_EVERY) await this.flush();
			}
		} catch (err) {
			if (!(err instanceof StopRun)) throw err;
			result.stop = err.reason;
			if (err.waitMs !== undefined) result.waitMs = err.waitMs;
			if (err.reason === 'transient') result.transientKey = opKey(ops[i]);
		} finally {
			await this.flush();
		}
		return result;
	}

	// ------------------------------------------------------------ one step: an operation or a batch of member operations

	private async step(
		ops: ReadonlyArray<SyncOp>,
		i: number,
		end: number,
		newRoomMembers: Map<string, number[]>,
		transientKey?: string,
	): Promise<Outcome[]> {
		const op = ops[i];
		const retryingTransient = transientKey !== undefined && transientKey === opKey(op);
		try {
			switch (op.kind) {
				case 'addMember':
				case 'removeMember':
					return await this.members(ops.slice(i, end) as MemberOp[]);
				case 'createRoom':
					return [await this.createRoom(op, ops, newRoomMembers.get(op.groupKey) ?? [])];
				default:
					return [await this.single(op)];
			}
		} catch (err) {
			const outcome = this.classify(err, retryingTransient);
			return Array.from({ length: end - i }, () => outcome);
		}
	}

	/** Turns an error into an outcome, or stops the run (rate limit, budget, first transient failure). */
	private classify(err: unknown, retryingTransient: boolean): Outcome {
		if (err instanceof StopRun) throw err;
		if (err instanceof AccountChangeRefused) return { ok: false, skipped: false, message: err.message };
		if (err instanceof RestError) {
			if (err.kind === 'rate-limited') throw new StopRun('rate-limited', err.waitMs);
			if (err.kind === 'timeout' && /budget/.test(err.message)) throw new StopRun('budget');
			if ((err.kind === 'server' || err.kind === 'network' || err.kind === 'timeout') && !retryingTransient)
				throw new StopRun('transient');
			if (err.errorType && ALREADY_DONE.has(err.errorType)) return DONE;
		}
		return { ok: false, skipped: false, message: err instanceof Error ? err.message : String(err) };
	}

	private async single(op: SyncOp): Promise<Outcome> {
		const { rest } = this.deps;
		switch (op.kind) {
			case 'deactivateUser':
			case 'reactivateUser': {
				const rec = this.person(op.externalId);
				if (!rec) return SKIP;
				await this.mayChange(rec, 'state');
				const active = op.kind === 'reactivateUser';
				await rest.setActiveStatus(rec.userId, active);
				const next: PersonRecord = { ...rec, active, updatedAt: this.now() };
				if (active) delete next.inactiveUntil;
				await this.savePerson(next, rec);
				return DONE;
			}
			case 'createUser': {
				if (this.person(op.externalId)) return DONE; // created by a concurrent run
				const p = this.deps.desiredPeople.get(op.externalId);
				if (!p) return SKIP;
				const result = await this.deps.accounts.provision({
					externalId: p.externalId,
					firstName: p.firstName,
					lastName: p.lastName,
					email: p.email,
					...(p.emailVerified === true ? { emailVerified: true } : {}),
					...(p.nickName ? { nickName: p.nickName } : {}),
				});
				if (!result.ok) {
					if (result.error instanceof RestError && result.error.kind === 'rate-limited')
						throw new StopRun('rate-limited', result.error.waitMs);
					return { ok: false, skipped: false, message: result.error.message, reference: result.reference };
				}
				this.deps.snapshot.people.set(op.externalId, result.record);
				return DONE;
			}
			case 'updateProfile': {
				const rec = this.person(op.externalId);
				const p = this.deps.desiredPeople.get(op.externalId);
				if (!rec || !p) return SKIP;
				const data: Record<string, unknown> = {};
				if (op.name !== undefined) data.name = op.name;
				if (op.nickname !== undefined) data.nickname = op.nickname;
				if (op.email !== undefined || op.emailVerified !== undefined) {
					await this.mayChange(rec, 'email');
					if (op.email !== undefined) data.email = op.email;
					data.verified = op.emailVerified === true;
				}
				await rest.updateUser(rec.userId, data);
				const next: PersonRecord = { ...rec, updatedAt: this.now() };
				if (op.name !== undefined) {
					next.firstName = p.firstName;
					next.lastName = p.lastName;
				}
				if (op.nickname !== undefined) {
					if (op.nickname) next.nickName = op.nickname;
					else delete next.nickName;
				}
				if (op.email !== undefined) {
					next.email = op.email;
					next.sourceEmail = p.email;
				}
				if (op.email !== undefined || op.emailVerified !== undefined) next.emailVerified = op.emailVerified === true;
				await this.savePerson(next, rec);
				return DONE;
			}
			case 'setPhoto': {
				const rec = this.person(op.externalId);
				if (!rec) return SKIP;
				if (op.photoUrl) await rest.setAvatar(rec.userId, op.photoUrl);
				else await rest.resetAvatar(rec.userId);
				const next: PersonRecord = { ...rec, updatedAt: this.now() };
				if (op.photoUrl) next.photoUrl = op.photoUrl;
				else delete next.photoUrl;
				delete next.pendingPhotoUrl;
				await this.savePerson(next, rec);
				return DONE;
			}
			case 'resetPassword': {
				const rec = this.person(op.externalId);
				if (!rec) return SKIP;
				const { record } = await this.deps.accounts.resetPassword(rec);
				this.deps.snapshot.people.set(op.externalId, record);
				return DONE;
			}
			case 'setTopic': {
				const room = this.room(op.groupKey);
				if (!room) return SKIP;
				await this.asMember(room.roomId, () => rest.setTopic(room.roomId, op.topic));
				room.topic = op.topic;
				this.dirtyRooms.add(op.groupKey);
				return DONE;
			}
			case 'setLeader':
			case 'setModerator':
			case 'unsetLeader':
			case 'unsetModerator': {
				const room = this.room(op.groupKey);
				const rec = this.person(op.externalId);
				if (!room || !rec) return SKIP;
				const role = op.kind === 'setLeader' || op.kind === 'unsetLeader' ? 'leader' : 'moderator';
				const on = op.kind === 'setLeader' || op.kind === 'setModerator';
				try {
					await this.asMember(room.roomId, () => rest.setRoomRole(room.roomId, rec.userId, role, on));
				} catch (err) {
					if (!(err instanceof RestError && err.errorType && ALREADY_DONE.has(err.errorType))) throw err;
				}
				const list = role === 'leader' ? 'leaders' : 'moderators';
				room[list] = on ? addId(room[list], rec.userId) : room[list].filter((id) => id !== rec.userId);
				this.dirtyRooms.add(op.groupKey);
				return DONE;
			}
			case 'addRole':
			case 'removeRole': {
				const rec = this.person(op.externalId);
				if (!rec) return SKIP;
				if (op.kind === 'addRole' && roleRefusal(op.roleName, this.deps.config.sync.assignableRoles) !== null)
					return { ok: false, skipped: false, message: `role "${op.roleName}" may not be assigned by the sync` };
				const roleId = this.deps.snapshot.roleIds.get(op.roleName);
				if (!roleId) return { ok: false, skipped: false, message: `role "${op.roleName}" does not exist on the server` };
				if (op.kind === 'addRole') await rest.addUserToRole(roleId, rec.username);
				else await rest.removeUserFromRole(roleId, rec.username);
				return DONE;
			}
			case 'deleteRoom': {
				const existing = await this.deps.read.getRoomReader().getById(op.roomId);
				if (existing && existing.creator?.id !== (await this.appUser()).id) {
					// Recorded as managed but not created by the app's bot: never deleted, only forgotten.
					await this.log.add(this.deps.persis, {
						level: 'warning',
						event: 'sync-room-released',
						message: `room ${op.name} of group ${op.groupKey} was not created by the app; it is left as it is and no longer managed`,
					});
					await this.forgetRoom(op.groupKey, op.roomId);
					return DONE;
				}
				try {
					await this.deps.modify.getDeleter().deleteRoom(op.roomId);
				} catch (err) {
					if (await this.deps.read.getRoomReader().getById(op.roomId)) throw err;
				}
				await this.forgetRoom(op.groupKey, op.roomId);
				return DONE;
			}
			case 'releaseRoom':
				await this.forgetRoom(op.groupKey, op.roomId);
				return DONE;
			default:
				return { ok: false, skipped: false, message: `unexpected operation ${op.kind}` };
		}
	}

	// ------------------------------------------------------------ rooms and members

	private async createRoom(op: CreateRoomOp, ops: ReadonlyArray<SyncOp>, memberOps: number[]): Promise<Outcome> {
		if (this.deps.snapshot.managed.has(op.groupKey)) return DONE; // created by a concurrent run
		const bot = await this.appUser();
		const members: PersonRecord[] = [];
		const included: number[] = [];
		for (const k of memberOps) {
			const rec = this.person((ops[k] as MemberOp).externalId);
			if (rec) {
				members.push(rec);
				included.push(k);
			}
		}
		// The integration account joins too: Rocket.Chat's REST API shows a private room only to its
		// members, and the room's topic and roles are set through it.
		const caller = await this.integrationAccount();
		const usernames = [...new Set([...members.map((m) => m.username), caller.username])];
		const rooms = this.deps.read.getRoomReader();
		let name = op.name;
		let roomId: string | undefined;
		let adopted = false;
		for (let n = 1; roomId === undefined; n++) {
			name = n === 1 ? op.name : `${op.name}-${n}`;
			try {
				const builder = this.deps.modify
					.getCreator()
					.startRoom()
					.setType(RoomType.PRIVATE_GROUP)
					.setSlugifiedName(name)
					.setDisplayName(name)
					.setCreator(bot)
					.setCustomFields({ [GROUP_KEY_FIELD]: op.groupKey } as unknown as Record<string, object>)
					.setMembersToBeAddedByUsernames(usernames);
				roomId = await this.deps.modify.getCreator().finish(builder);
			} catch (err) {
				const existing = await rooms.getByName(name);
				if (!existing) throw err;
				if (existing.customFields?.[GROUP_KEY_FIELD] === op.groupKey && existing.creator?.id === bot.id) {
					roomId = existing.id;
					adopted = true;
				} else if (n >= 20) throw err;
			}
		}
		const record = { groupKey: op.groupKey, roomId, name };
		await this.managedRepo.put(this.deps.persis, record);
		this.deps.snapshot.managed.set(op.groupKey, record);
		const state: RoomStateRecord = {
			groupKey: op.groupKey,
			roomId,
			name,
			members: adopted ? [] : [...new Set([bot.id, caller.id, ...members.map((m) => m.userId)])],
			leaders: [],
			moderators: [],
			readAt: 0,
		};
		this.deps.snapshot.rooms.set(op.groupKey, state);
		this.dirtyRooms.add(op.groupKey);
		// An adopted room's members are added by the member operations that follow, as for any room.
		if (!adopted) for (const k of included) this.doneEarly.add(k);
		if (op.topic) {
			try {
				const id = roomId;
				await this.asMember(id, () => this.deps.rest.setTopic(id, op.topic as string));
				state.topic = op.topic;
			} catch (err) {
				const o = this.classify(err, false);
				if (!o.ok && !o.skipped) return { ...o, kind: 'setTopic' };
			}
		}
		return DONE;
	}

	/** A batch of `addMember` or `removeMember` operations of one room: one call, or one per member if that fails. */
	private async members(batch: MemberOp[]): Promise<Outcome[]> {
		const room = this.room(batch[0].groupKey);
		if (!room) return batch.map(() => SKIP);
		const add = batch[0].kind === 'addMember';
		const out: Outcome[] = batch.map(() => SKIP);
		const people: Array<{ k: number; rec: PersonRecord }> = [];
		batch.forEach((op, k) => {
			const rec = this.person(op.externalId);
			if (rec) people.push({ k, rec });
		});
		if (people.length === 0) return out;
		const call = (usernames: string[]) =>
			add ? this.addToRoom(room.roomId, usernames) : this.deps.modify.getDeleter().removeUsersFromRoom(room.roomId, usernames);
		try {
			await call(people.map((p) => p.rec.username));
			for (const p of people) out[p.k] = DONE;
		} catch {
			for (const p of people) {
				try {
					await call([p.rec.username]);
					out[p.k] = DONE;
				} catch (err) {
					out[p.k] = this.classify(err, false);
				}
			}
		}
		const done = new Set(people.filter((p) => out[p.k].ok).map((p) => p.rec.userId));
		if (add) room.members = [...room.members, ...[...done].filter((id) => !room.members.includes(id))];
		else {
			room.members = room.members.filter((id) => !done.has(id));
			room.leaders = room.leaders.filter((id) => !done.has(id));
			room.moderators = room.moderators.filter((id) => !done.has(id));
		}
		this.dirtyRooms.add(room.groupKey);
		return out;
	}

	private async addToRoom(roomId: string, usernames: string[]): Promise<void> {
		const updater = this.deps.modify.getUpdater();
		const builder = await updater.room(roomId, await this.appUser());
		builder.setMembersToBeAddedByUsernames(usernames);
		await updater.finish(builder);
	}

	private async forgetRoom(groupKey: string, roomId: string): Promise<void> {
		await this.managedRepo.remove(this.deps.persis, roomId);
		await this.states.remove(this.deps.persis, groupKey);
		this.deps.snapshot.managed.delete(groupKey);
		this.deps.snapshot.rooms.delete(groupKey);
		this.dirtyRooms.delete(groupKey);
	}

	// ------------------------------------------------------------ helpers

	/** Throws AccountChangeRefused unless the app may change this account's password, e-mail or state. */
	private async mayChange(rec: PersonRecord, change: 'password' | 'email' | 'state'): Promise<void> {
		const refusal = await changeRefusal(this.deps.read, this.deps.config, rec, change);
		if (refusal) throw refusal;
	}

	private person(externalId: string): PersonRecord | undefined {
		return this.deps.snapshot.people.get(externalId);
	}

	private room(groupKey: string): RoomStateRecord | undefined {
		return this.deps.snapshot.managed.has(groupKey) ? this.deps.snapshot.rooms.get(groupKey) : undefined;
	}

	private async savePerson(next: PersonRecord, previous: PersonRecord): Promise<void> {
		await this.people.save(this.deps.persis, this.deps.read.getPersistenceReader(), next, previous);
		this.deps.snapshot.people.set(next.externalId, next);
	}

	/**
	 * Runs a REST call on a managed room, first making the integration account a member again if
	 * Rocket.Chat answers that the room does not exist while it does (someone removed the account, or
	 * the room was created before it joined the rooms it manages).
	 */
	private async asMember<T>(roomId: string, call: () => Promise<T>): Promise<T> {
		try {
			return await call();
		} catch (err) {
			if (!(err instanceof RestError && err.errorType === 'error-room-not-found')) throw err;
			if (!(await this.deps.read.getRoomReader().getById(roomId))) throw err;
			await this.addToRoom(roomId, [(await this.integrationAccount()).username]);
			return call();
		}
	}

	/** The account the REST client acts as (the integration account of the app's settings). */
	private async integrationAccount(): Promise<{ id: string; username: string }> {
		if (!this.caller) {
			const user = await this.deps.read.getUserReader().getById(this.deps.rest.callerId);
			if (!user) throw new Error('the integration account (REST user id setting) does not exist');
			this.caller = { id: user.id, username: user.username };
		}
		return this.caller;
	}

	private async appUser(): Promise<IUser> {
		if (!this.bot) {
			const bot = await this.deps.read.getUserReader().getAppUser();
			if (!bot) throw new Error("the app's bot user is missing");
			this.bot = bot;
		}
		return this.bot;
	}

	/** Writes the state of every room changed in this run. */
	private async flush(): Promise<void> {
		const dirty = [...this.dirtyRooms].filter((key) => this.deps.snapshot.managed.has(key));
		this.dirtyRooms.clear();
		await mapLimit(dirty, 16, async (key) => {
			const state = this.deps.snapshot.rooms.get(key);
			if (state) await this.states.put(this.deps.persis, state);
		});
		if (this.unloggedFailures > 0) {
			await this.log.add(this.deps.persis, {
				level: 'error',
				event: 'sync-op-failed',
				message: `${this.unloggedFailures} more operations failed in this run (see status)`,
			});
			this.unloggedFailures = 0;
		}
	}

	/** Logs a failure (the first few of a run one by one); returns the log reference, if it has its own entry. */
	private async logFailure(op: SyncOp, kind: OpKind, message: string): Promise<string | undefined> {
		if (this.loggedFailures >= LOGGED_FAILURES) {
			this.unloggedFailures++;
			return undefined;
		}
		this.loggedFailures++;
		const where = 'groupKey' in op ? ` in group ${op.groupKey}` : 'roleName' in op ? ` for role ${op.roleName}` : '';
		const entry = await this.log.add(this.deps.persis, {
			level: 'error',
			event: 'sync-op-failed',
			...('externalId' in op ? { externalId: op.externalId } : {}),
			message: `${kind}${where} failed: ${message}`,
		});
		this.deps.logger.warn(`sync ${kind} failed [${entry.reference}]: ${entry.message}`);
		return entry.reference;
	}
}

/** End (exclusive) of the run of member operations of one kind and room starting at `i` (stopping before one already done). */
function batchEnd(ops: ReadonlyArray<SyncOp>, i: number, done: ReadonlySet<number>): number {
	const first = ops[i] as MemberOp;
	let j = i + 1;
	while (j < ops.length && j - i < MEMBER_BATCH) {
		const o = ops[j];
		if (o.kind !== first.kind || o.groupKey !== first.groupKey || done.has(j)) break;
		j++;
	}
	return j;
}

/** For each room created in the plan: the indexes of its `addMember` operations (from `start` on). */
function indexNewRoomMembers(ops: ReadonlyArray<SyncOp>, start: number): Map<string, number[]> {
	const out = new Map<string, number[]>();
	for (let k = start; k < ops.length; k++) {
		const op = ops[k];
		if (op.kind !== 'addMember' || op.roomId !== null) continue;
		let list = out.get(op.groupKey);
		if (!list) out.set(op.groupKey, (list = []));
		list.push(k);
	}
	return out;
}

function addId(list: string[], id: string): string[] {
	return list.includes(id) ? list : [...list, id];
}
