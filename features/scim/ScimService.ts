/**
 * The SCIM service provider's operations: read the stored resources, decide with `core/scim`, write small
 * records, and tell the sync that the desired state changed (a run follows at once, as after a push).
 * Users and Groups are part of the same desired state as the push API (`core/scim/desired.ts`), so the
 * planner, the safety valve, dry runs, the status and the security rules apply unchanged.
 */
import { randomUUID } from 'crypto';

import { IModify, IPersistence, IPersistenceRead, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { ScimGroupRepository, ScimMemberRepository, ScimUserRepository } from '../../adapters/persistence/ScimRepositories';
import { DesiredStore } from '../sync/desiredStore';
import { requestRunAfterPush } from '../sync/schedule';
import { newId } from '../../adapters/ids';
import { compileFilter, CompiledFilter, Resource } from '../../core/scim/filter';
import { applyUserPatch, groupPatch, memberDelta, needsCurrentMembers, patchOperations } from '../../core/scim/patch';
import { Projection, returns } from '../../core/scim/projection';
import {
	invalidValue,
	mutability,
	notFound,
	ScimError,
	ScimGroupRecord,
	ScimMemberRecord,
	ScimUserRecord,
	uniqueness,
	UserAttributes,
} from '../../core/scim/types';
import { etagOf, groupAttributes, groupResource, userAttributes, userDocument, userResource } from '../../core/scim/user';

type Json = Record<string, unknown>;

export interface ScimDeps {
	read: IRead;
	modify: IModify;
	persis: IPersistence;
	/** Absolute base of the SCIM API (`https://chat.example.org/api/apps/public/<id>/scim/v2`), for `meta.location`. */
	base: string;
	now?: () => number;
}

export interface ListQuery {
	filter?: string;
	startIndex: number;
	count: number;
}

export interface ListResult {
	total: number;
	startIndex: number;
	resources: Json[];
}

/** Largest page (advertised as `filter.maxResults`). */
export const MAX_RESULTS = 200;
export const DEFAULT_COUNT = 100;

const users = new ScimUserRepository();

const groups = new ScimGroupRepository();
const members = new ScimMemberRepository();

/** A precondition (`If-Match`) that does not hold. */
export const preconditionFailed = (): ScimError => new ScimError(412, 'the resource changed since that version (If-Match)');

function checkVersion(version: string, ifMatch: string | undefined): void {
	if (ifMatch === undefined || ifMatch.trim() === '*') return;
	const wanted = ifMatch.split(',').map((s) => s.trim());
	if (!wanted.includes(etagOf(version)) && !wanted.includes(`"${version}"`)) throw preconditionFailed();
}

export class ScimService {
	private readonly reader: IPersistenceRead;
	private readonly now: () => number;

	constructor(private readonly deps: ScimDeps) {
		this.reader = deps.read.getPersistenceReader();
		this.now = deps.now ?? Date.now;
	}

	userLocation(id: string): string {
		return `${this.deps.base}/Users/${encodeURIComponent(id)}`;
	}

	groupLocation(id: string): string {
		return `${this.deps.base}/Groups/${encodeURIComponent(id)}`;
	}

	/** The desired state changed: bump its revision and ask for a sync run (one per burst, as after a push). */
	private async changed(): Promise<void> {
		await new DesiredStore(this.reader, this.deps.persis).markChanged();
		await requestRunAfterPush(this.reader, this.deps.modify, this.deps.persis);
	}

	// ------------------------------------------------------------------------------------------ Users

	private async liveUser(id: string): Promise<ScimUserRecord> {
		const u = await users.get(this.reader, id);
		if (!u || u.deleted) throw notFound(`User ${id} not found`);
		return u;
	}

	private async checkUserUnique(attrs: UserAttributes, selfId?: string): Promise<void> {
		const other = async (found: string | undefined): Promise<boolean> => {
			if (found === undefined || found === selfId) return false;
			const u = await users.get(this.reader, found);
			return u !== undefined && !u.deleted;
		};
		if (await other(await users.idByUserName(this.reader, attrs.userName)))
			throw uniqueness(`userName "${attrs.userName}" is already taken`);
		if (attrs.externalId !== undefined && (await other(await users.idByExternalId(this.reader, attrs.externalId))))
			throw uniqueness(`externalId "${attrs.externalId}" is already taken`);
	}

	async createUser(body: unknown): Promise<{ record: ScimUserRecord; resource: Json }> {
		const attrs = userAttributes(body);
		await this.checkUserUnique(attrs);
		const now = this.now();
		const id = randomUUID();
		const record: ScimUserRecord = {
			...attrs,
			id,
			personKey: attrs.externalId ?? id,
			created: now,
			lastModified: now,
			version: newId('', now),
		};
		await users.put(this.reader, this.deps.persis, record);
		await this.changed();
		return { record, resource: userResource(record, this.userLocation(id)) };
	}

	async getUser(id: string): Promise<{ record: ScimUserRecord; resource: Json }> {
		const record = await this.liveUser(id);
		return { record, resource: userResource(record, this.userLocation(id)) };
	}

	private async writeUser(existing: ScimUserRecord, attrs: UserAttributes): Promise<{ record: ScimUserRecord; resource: Json }> {
		if (existing.externalId !== undefined && attrs.externalId !== existing.externalId) {
			if (attrs.externalId === undefined) attrs = { ...attrs, externalId: existing.externalId };
			else throw mutability('externalId cannot change once set');
		}
		await this.checkUserUnique(attrs, existing.id);
		const now = this.now();
		const record: ScimUserRecord = {
			...attrs,
			id: existing.id,
			personKey: existing.personKey,
			created: existing.created,
			lastModified: now,
			version: newId('', now),
		};
		await users.put(this.reader, this.deps.persis, record, existing);
		await this.changed();
		return { record, resource: userResource(record, this.userLocation(record.id)) };
	}

	async replaceUser(id: string, body: unknown, ifMatch?: string): Promise<{ record: ScimUserRecord; resource: Json }> {
		const existing = await this.liveUser(id);
		checkVersion(existing.version, ifMatch);
		return this.writeUser(existing, userAttributes(body));
	}

	async patchUser(id: string, body: unknown, ifMatch?: string): Promise<{ record: ScimUserRecord; resource: Json }> {
		const ops = patchOperations(body);
		const existing = await this.liveUser(id);
		checkVersion(existing.version, ifMatch);
		const doc = applyUserPatch(userDocument(existing), ops);
		return this.writeUser(existing, userAttributes(doc));
	}

	/** DELETE: the User is gone for SCIM (404 from now on) and leaves its groups; the account is deactivated, never deleted. */
	async deleteUser(id: string, ifMatch?: string): Promise<void> {
		const existing = await this.liveUser(id);
		checkVersion(existing.version, ifMatch);
		const now = this.now();
		const record: ScimUserRecord = { ...existing, active: false, deleted: true, lastModified: now, version: newId('', now) };
		await members.removeUser(this.deps.persis, id);
		await users.put(this.reader, this.deps.persis, record, existing);
		await this.changed();
	}

	async listUsers(q: ListQuery): Promise<ListResult> {
		const filter = q.filter !== undefined ? compileFilter('User', q.filter) : undefined;
		let candidates: ReadonlyArray<ScimUserRecord>;
		const hint = filter?.hints.find((h) => h.path === 'userName' || h.path === 'externalId' || h.path === 'id');
		if (hint) {
			const id =
				hint.path === 'id'
					? hint.value
					: hint.path === 'userName'
						? await users.idByUserName(this.reader, hint.value)
						: await users.idByExternalId(this.reader, hint.value);
			const u = id === undefined ? undefined : await users.get(this.reader, id);
			candidates = u ? [u] : [];
		} else candidates = await users.listCurrent(this.reader);
		const needsMeta = filter ? [...filter.paths].some((p) => p.startsWith('meta')) : false;
		const matches = candidates.filter(
			(u) => !u.deleted && (!filter || filter.test(needsMeta ? withMeta(u, 'User') : (u as unknown as Resource))),
		);
		matches.sort(byCreation);
		const page = pageOf(matches, q);
		return { total: matches.length, startIndex: q.startIndex, resources: page.map((u) => userResource(u, this.userLocation(u.id))) };
	}

	// ------------------------------------------------------------------------------------------ Groups

	private async group(id: string): Promise<ScimGroupRecord> {
		const g = await groups.get(this.reader, id);
		if (!g) throw notFound(`Group ${id} not found`);
		return g;
	}

	private async memberList(groupId: string): Promise<Array<{ value: string; $ref: string }>> {
		const list = await members.ofGroup(this.reader, groupId);
		return list
			.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
			.map((m) => ({ value: m.userId, $ref: this.userLocation(m.userId) }));
	}

	async groupResource(g: ScimGroupRecord, projection?: Projection): Promise<Json> {
		const withMembers = !projection || returns(projection, 'members');
		return groupResource(g, this.groupLocation(g.id), withMembers ? await this.memberList(g.id) : undefined);
	}

	/** Every id must be a live User; nothing is written otherwise. */
	private async checkMembers(ids: ReadonlyArray<string>): Promise<void> {
		for (const id of ids) {
			const u = await users.get(this.reader, id);
			if (!u || u.deleted) throw invalidValue(`member ${id} is not a User of this service provider`);
		}
	}

	private async applyMembers(
		groupId: string,
		add: ReadonlyArray<string>,
		remove: ReadonlyArray<string>,
		knownAbsent: boolean,
	): Promise<void> {
		const at = this.now();
		for (const id of add) {
			// Without the current member list, an add of someone already there must not write a twin.
			if (!knownAbsent && (await members.has(this.reader, groupId, id))) continue;
			await members.add(this.deps.persis, groupId, id, at);
		}
		for (const id of remove) await members.remove(this.deps.persis, groupId, id);
	}

	async createGroup(body: unknown): Promise<{ record: ScimGroupRecord; resource: Json }> {
		const attrs = groupAttributes(body);
		await this.checkGroupUnique(attrs.displayName);
		const ids = attrs.members ?? [];
		await this.checkMembers(ids);
		const now = this.now();
		const record: ScimGroupRecord = {
			id: randomUUID(),
			displayName: attrs.displayName,
			created: now,
			lastModified: now,
			version: newId('', now),
		};
		if (attrs.externalId !== undefined) record.externalId = attrs.externalId;
		await groups.put(this.deps.persis, record);
		await this.applyMembers(record.id, ids, [], true);
		await this.changed();
		return { record, resource: await this.groupResource(record) };
	}

	/** Room names come from displayName: two Groups of the same name are refused (409 uniqueness). */
	private async checkGroupUnique(displayName: string, selfId?: string): Promise<void> {
		const lower = displayName.toLowerCase();
		const clash = (await groups.list(this.reader)).find((g) => g.id !== selfId && g.displayName.toLowerCase() === lower);
		if (clash) throw uniqueness(`a Group named "${displayName}" already exists`);
	}

	async getGroup(id: string, projection?: Projection): Promise<{ record: ScimGroupRecord; resource: Json }> {
		const record = await this.group(id);
		return { record, resource: await this.groupResource(record, projection) };
	}

	async replaceGroup(id: string, body: unknown, ifMatch?: string): Promise<{ record: ScimGroupRecord; resource: Json }> {
		const existing = await this.group(id);
		checkVersion(existing.version, ifMatch);
		const attrs = groupAttributes(body);
		if (attrs.displayName.toLowerCase() !== existing.displayName.toLowerCase()) await this.checkGroupUnique(attrs.displayName, id);
		const wanted = attrs.members ?? [];
		await this.checkMembers(wanted);
		const current = new Set((await members.ofGroup(this.reader, id)).map((m) => m.userId));
		const delta = memberDelta([{ kind: 'replace', ids: wanted }], current);
		const now = this.now();
		const record: ScimGroupRecord = {
			id,
			displayName: attrs.displayName,
			created: existing.created,
			lastModified: now,
			version: newId('', now),
		};
		if (attrs.externalId !== undefined) record.externalId = attrs.externalId;
		await this.applyMembers(id, delta.add, delta.remove, true);
		await groups.put(this.deps.persis, record);
		await this.changed();
		return { record, resource: await this.groupResource(record) };
	}

	/**
	 * PATCH of a Group. Member operations cost one read and one write per member named; the whole member list
	 * is read only for a `replace` of the list, a `remove` of every member, or a filter that is not a list of ids.
	 */
	async patchGroup(id: string, body: unknown, ifMatch?: string): Promise<ScimGroupRecord> {
		const ops = patchOperations(body);
		const existing = await this.group(id);
		checkVersion(existing.version, ifMatch);
		const patch = groupPatch(ops);
		if (patch.displayName !== undefined && patch.displayName.toLowerCase() !== existing.displayName.toLowerCase())
			await this.checkGroupUnique(patch.displayName, id);
		const current = needsCurrentMembers(patch.members)
			? new Set((await members.ofGroup(this.reader, id)).map((m) => m.userId))
			: undefined;
		const delta = memberDelta(patch.members, current);
		await this.checkMembers(delta.add);
		const now = this.now();
		const record: ScimGroupRecord = { ...existing, lastModified: now, version: newId('', now) };
		if (patch.displayName !== undefined) record.displayName = patch.displayName;
		if (patch.externalId === null) delete record.externalId;
		else if (patch.externalId !== undefined) record.externalId = patch.externalId;
		await this.applyMembers(id, delta.add, delta.remove, current !== undefined);
		await groups.put(this.deps.persis, record);
		await this.changed();
		return record;
	}

	async deleteGroup(id: string, ifMatch?: string): Promise<void> {
		const existing = await this.group(id);
		checkVersion(existing.version, ifMatch);
		await groups.remove(this.deps.persis, id);
		await members.removeGroup(this.deps.persis, id);
		await this.changed();
	}

	async listGroups(q: ListQuery, projection?: Projection): Promise<ListResult> {
		const filter: CompiledFilter | undefined = q.filter !== undefined ? compileFilter('Group', q.filter) : undefined;
		let candidates: ScimGroupRecord[];
		const memberHint = filter?.hints.find((h) => h.path === 'members.value');
		const idHint = filter?.hints.find((h) => h.path === 'id');
		if (idHint) {
			const g = await groups.get(this.reader, idHint.value);
			candidates = g ? [g] : [];
		} else if (memberHint) {
			const ofUser = await members.ofUser(this.reader, memberHint.value);
			candidates = (await Promise.all(ofUser.map((m) => groups.get(this.reader, m.groupId)))).filter(
				(g): g is ScimGroupRecord => !!g,
			);
		} else candidates = await groups.list(this.reader);
		let membersOf: Map<string, ScimMemberRecord[]> | undefined;
		if (filter && [...filter.paths].some((p) => p.startsWith('members'))) {
			membersOf = new Map();
			const all =
				candidates.length <= 20
					? (await Promise.all(candidates.map((g) => members.ofGroup(this.reader, g.id)))).flat()
					: await members.list(this.reader);
			for (const m of all) {
				const list = membersOf.get(m.groupId) ?? [];
				list.push(m);
				membersOf.set(m.groupId, list);
			}
		}
		const needsMeta = filter ? [...filter.paths].some((p) => p.startsWith('meta')) : false;
		const view = (g: ScimGroupRecord): Resource => {
			const r: Resource = needsMeta ? withMeta(g, 'Group') : { ...g };
			if (membersOf) r.members = (membersOf.get(g.id) ?? []).map((m) => ({ value: m.userId, type: 'User' }));
			return r;
		};
		const matches = candidates.filter((g) => !filter || filter.test(view(g)));
		matches.sort(byCreation);
		const page = pageOf(matches, q);
		const resources: Json[] = [];
		for (const g of page) resources.push(await this.groupResource(g, projection));
		return { total: matches.length, startIndex: q.startIndex, resources };
	}
}

function withMeta(r: ScimUserRecord | ScimGroupRecord, resourceType: string): Resource {
	return {
		...r,
		meta: { resourceType, created: new Date(r.created).toISOString(), lastModified: new Date(r.lastModified).toISOString() },
	};
}

function byCreation(a: { created: number; id: string }, b: { created: number; id: string }): number {
	return a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function pageOf<T>(items: ReadonlyArray<T>, q: ListQuery): T[] {
	const start = Math.max(1, q.startIndex) - 1;
	return items.slice(start, start + Math.max(0, Math.min(q.count, MAX_RESULTS)));
}
