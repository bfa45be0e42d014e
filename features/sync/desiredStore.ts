import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { DesiredGroup, DesiredPerson, DesiredState } from '../../core/sync/types';
import { DesiredGroupRecord, DesiredGroupRepository } from '../../adapters/persistence/DesiredGroupRepository';
import { DesiredPersonRecord, DesiredPersonRepository } from '../../adapters/persistence/DesiredPersonRepository';
import { DesiredRoleRecord, DesiredRoleRepository } from '../../adapters/persistence/DesiredRoleRepository';
import { PeopleRepository } from '../../adapters/persistence/PeopleRepository';
import { SyncStateRepository } from '../../adapters/persistence/SyncStateRepository';
import { takeLease } from '../../adapters/lease';
import { canonicalJson, mapLimit, newRunId } from './util';

/** The body of `POST snapshot` and of the pull feed, once validated. */
export interface SnapshotBody {
	people: DesiredPerson[];
	groups: Record<string, DesiredGroup>;
	roles?: Record<string, string[]>;
	excluded?: string[];
}

export interface ReplaceResult {
	written: number;
	removed: number;
	people: number;
	groups: number;
	roles: number;
	excluded: number;
}

/** Thrown when another snapshot is being stored and did not finish in time. */
export class DesiredStateBusy extends Error {
	constructor() {
		super('another snapshot is being stored');
		this.name = 'DesiredStateBusy';
	}
}

/** Writes in flight at once when storing a snapshot. */
const PARALLEL_WRITES = 32;
/** How long a snapshot waits for another one being stored. */
const LEASE_WAIT_MS = 15_000;
/** Storing a snapshot ends well before this (the engine bounds a call at 30 s). */
const LEASE_MS = 45_000;

/**
 * The desired state, stored as small records (one per group, person, role): written by the endpoints
 * and the pull feed, read whole by the sync. A snapshot replaces everything: only the records that
 * differ are written and those no longer sent are removed, so re-sending the same org writes nothing.
 * Two snapshots stored at once take turns (a lease); a single `PUT` writes one record and never waits.
 * Every change bumps the desired revision, which tells a sync pass that it has more to do.
 */
export class DesiredStore {
	private readonly groups = new DesiredGroupRepository();
	private readonly people = new DesiredPersonRepository();
	private readonly roles = new DesiredRoleRepository();
	private readonly state = new SyncStateRepository();

	constructor(
		private readonly read: IPersistenceRead,
		private readonly persis?: IPersistence,
	) {}

	private writer(): IPersistence {
		if (!this.persis) throw new Error('the desired store was opened read-only');
		return this.persis;
	}

	async load(): Promise<DesiredState> {
		const [groups, people, roles] = await Promise.all([
			this.groups.list(this.read),
			this.people.list(this.read),
			this.roles.list(this.read),
		]);
		return assemble(groups, people, roles);
	}

	async revision(): Promise<string | null> {
		return (await this.state.get(this.read, 'desired'))?.rev ?? null;
	}

	getGroup(key: string): Promise<DesiredGroupRecord | undefined> {
		return this.groups.get(this.read, key);
	}

	async putGroup(key: string, group: DesiredGroup): Promise<void> {
		await this.groups.put(this.writer(), { key, group, at: Date.now() });
		await this.bump();
	}

	/** False when no such group was stored. */
	async deleteGroup(key: string): Promise<boolean> {
		if (!(await this.groups.get(this.read, key))) return false;
		await this.groups.remove(this.writer(), key);
		await this.bump();
		return true;
	}

	async putRole(name: string, members: string[]): Promise<void> {
		await this.roles.put(this.writer(), { name, members: dedupe(members), at: Date.now() });
		await this.bump();
	}

	getPerson(externalId: string): Promise<DesiredPersonRecord | undefined> {
		return this.people.get(this.read, externalId);
	}

	/**
	 * A person who signed on (`POST sso/token`) is known, with the profile they signed on with, unless a
	 * push (`PUT people`, a snapshot, the feed) describes them: a pushed profile is never overwritten, and a
	 * snapshot replaces this one like everything else. `current` is the person's record as read before.
	 * Returns whether anything was written.
	 */
	async recordSignOn(person: DesiredPerson, current: DesiredPersonRecord | undefined): Promise<boolean> {
		if (current?.person && current.source !== 'sso') return false;
		if (current?.person && canonicalJson(current.person) === canonicalJson(person)) return false;
		const record: DesiredPersonRecord = { externalId: person.externalId, person, source: 'sso', at: Date.now() };
		if (current?.excluded) record.excluded = true;
		await this.people.put(this.writer(), record);
		await this.bump();
		return true;
	}

	/** Stores a person's profile; whether they are excluded stays as the last snapshot said. */
	async putPerson(person: DesiredPerson): Promise<void> {
		const previous = await this.people.get(this.read, person.externalId);
		const record: DesiredPersonRecord = { externalId: person.externalId, person, at: Date.now() };
		if (previous?.excluded) record.excluded = true;
		await this.people.put(this.writer(), record);
		await this.bump();
	}

	/** Replaces the whole desired state with a snapshot, writing only what changed. */
	async replace(snapshot: SnapshotBody): Promise<ReplaceResult> {
		const persis = this.writer();
		const lease = await takeLease(this.read, persis, 'sync-desired', { ttlMs: LEASE_MS, waitMs: LEASE_WAIT_MS });
		if (!lease) throw new DesiredStateBusy();
		try {
			return await this.replaceHoldingLease(snapshot, persis);
		} finally {
			await lease.release();
		}
	}

	private async replaceHoldingLease(snapshot: SnapshotBody, persis: IPersistence): Promise<ReplaceResult> {
		const now = Date.now();
		const [oldGroups, oldPeople, oldRoles] = await Promise.all([
			this.groups.list(this.read),
			this.people.list(this.read),
			this.roles.list(this.read),
		]);
		const writes: Array<() => Promise<void>> = [];

		const people = new Map<string, DesiredPersonRecord>();
		for (const p of snapshot.people) people.set(p.externalId, { externalId: p.externalId, person: p, at: now });
		const excluded = dedupe(snapshot.excluded ?? []);
		for (const id of excluded) {
			const r = people.get(id);
			if (r) r.excluded = true;
			else people.set(id, { externalId: id, excluded: true, at: now });
		}
		diff(
			oldPeople,
			people,
			(r) => r.externalId,
			(r) => canonicalJson([r.person ?? null, r.excluded === true, r.source ?? null]),
			(r) => writes.push(() => this.people.put(persis, r)),
			(id) => writes.push(() => this.people.remove(persis, id)),
		);

		const groups = new Map<string, DesiredGroupRecord>();
		for (const [key, group] of Object.entries(snapshot.groups)) groups.set(key, { key, group, at: now });
		diff(
			oldGroups,
			groups,
			(r) => r.key,
			(r) => canonicalJson(r.group),
			(r) => writes.push(() => this.groups.put(persis, r)),
			(key) => writes.push(() => this.groups.remove(persis, key)),
		);

		const roles = new Map<string, DesiredRoleRecord>();
		for (const [name, members] of Object.entries(snapshot.roles ?? {})) roles.set(name, { name, members: dedupe(members), at: now });
		diff(
			oldRoles,
			roles,
			(r) => r.name,
			(r) => canonicalJson(r.members),
			(r) => writes.push(() => this.roles.put(persis, r)),
			(name) => writes.push(() => this.roles.remove(persis, name)),
		);

		const removed =
			oldPeople.length +
			oldGroups.length +
			oldRoles.length -
			countKept(oldPeople, people, (r) => r.externalId) -
			countKept(oldGroups, groups, (r) => r.key) -
			countKept(oldRoles, roles, (r) => r.name);
		await mapLimit(writes, PARALLEL_WRITES, (w) => w());
		// People this snapshot no longer describes are unknown again until their next sign-on.
		const forgotten = oldPeople.map((r) => r.externalId).filter((id) => !people.has(id));
		if (forgotten.length > 0) await new PeopleRepository().forgetKnownProfiles(this.read, persis, forgotten);
		if (writes.length > 0) await this.bump();
		return {
			written: writes.length - removed,
			removed,
			people: snapshot.people.length,
			groups: groups.size,
			roles: roles.size,
			excluded: excluded.length,
		};
	}

	private async bump(): Promise<void> {
		await this.state.put(this.writer(), 'desired', { rev: newRunId(), at: Date.now() });
	}
}

/** The desired state in the planner's shape, from the stored records. */
export function assemble(groups: DesiredGroupRecord[], people: DesiredPersonRecord[], roles: DesiredRoleRecord[]): DesiredState {
	const g: Record<string, DesiredGroup> = {};
	for (const r of groups) g[r.key] = r.group;
	const rolesOut: Record<string, string[]> = {};
	for (const r of roles) rolesOut[r.name] = r.members;
	const persons: DesiredPerson[] = [];
	const excluded: string[] = [];
	for (const r of people) {
		if (r.person) persons.push(r.person);
		if (r.excluded) excluded.push(r.externalId);
	}
	return { people: persons, groups: g, roles: rolesOut, excluded };
}

function diff<T>(
	old: ReadonlyArray<T>,
	wanted: ReadonlyMap<string, T>,
	keyOf: (r: T) => string,
	contentOf: (r: T) => string,
	write: (r: T) => void,
	remove: (key: string) => void,
): void {
	const before = new Map<string, string>();
	for (const r of old) before.set(keyOf(r), contentOf(r));
	for (const [key, r] of wanted) if (before.get(key) !== contentOf(r)) write(r);
	for (const key of before.keys()) if (!wanted.has(key)) remove(key);
}

function countKept<T>(old: ReadonlyArray<T>, wanted: ReadonlyMap<string, unknown>, keyOf: (r: T) => string): number {
	let n = 0;
	for (const r of old) if (wanted.has(keyOf(r))) n++;
	return n;
}

function dedupe(ids: ReadonlyArray<string>): string[] {
	return [...new Set(ids)];
}
