/**
 * SCIM resources as part of the desired state. Users become people (keyed by their `personKey`: the
 * externalId they were created with, else their SCIM id) and Groups become groups (`scim-<id>`) whose
 * members are those people. Merged with what the push API stored or the feed sent: where both describe
 * the same externalId, the SCIM User gives the profile and active state (an identity provider is where
 * identities live), while push groups and roles still name the person by that externalId.
 */
import { DesiredGroup, DesiredPerson, DesiredState } from '../sync/types';
import { ScimGroupRecord, ScimMemberRecord, ScimUserRecord } from './types';
import { desiredGroupOf, groupKeyOf, personOf } from './user';

export interface ScimState {
	readonly users: ReadonlyArray<ScimUserRecord>;
	readonly groups: ReadonlyArray<ScimGroupRecord>;
	readonly members: ReadonlyArray<ScimMemberRecord>;
}

export interface ScimDesired {
	readonly people: ReadonlyArray<DesiredPerson>;
	readonly groups: Readonly<Record<string, DesiredGroup>>;
}

/** People and groups the SCIM resources describe. A deleted User stays a person with `active: false`. */
export function scimDesired(state: ScimState): ScimDesired {
	// One person per key: a live User wins over a deleted one with the same key (re-created after DELETE).
	const byKey = new Map<string, ScimUserRecord>();
	for (const u of state.users) {
		const seen = byKey.get(u.personKey);
		if (!seen || (seen.deleted && !u.deleted) || (seen.deleted === u.deleted && u.lastModified > seen.lastModified))
			byKey.set(u.personKey, u);
	}
	const people: DesiredPerson[] = [];
	for (const u of byKey.values()) {
		try {
			const p = personOf(u);
			people.push(u.deleted ? { ...p, active: false } : p);
		} catch {
			// Validated when written; a record that no longer maps is skipped rather than stopping the sync.
		}
	}
	const keyOfUser = new Map<string, string>();
	for (const u of state.users) if (!u.deleted) keyOfUser.set(u.id, u.personKey);
	const membersOf = new Map<string, Set<string>>();
	for (const m of state.members) {
		const key = keyOfUser.get(m.userId);
		if (key === undefined) continue;
		let set = membersOf.get(m.groupId);
		if (!set) membersOf.set(m.groupId, (set = new Set()));
		set.add(key);
	}
	const groups: Record<string, DesiredGroup> = {};
	for (const g of state.groups) groups[groupKeyOf(g.id)] = desiredGroupOf(g, [...(membersOf.get(g.id) ?? [])].sort());
	return { people, groups };
}

/** The desired state with the SCIM people and groups merged in (SCIM wins for a person both describe). */
export function mergeDesired(base: DesiredState, scim: ScimDesired): DesiredState {
	if (scim.people.length === 0 && Object.keys(scim.groups).length === 0) return base;
	const scimKeys = new Set(scim.people.map((p) => p.externalId));
	const people = [...base.people.filter((p) => !scimKeys.has(p.externalId)), ...scim.people];
	return { ...base, people, groups: { ...base.groups, ...scim.groups } };
}
