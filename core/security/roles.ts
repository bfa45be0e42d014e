/**
 * Which global roles the system of record may assign (contract: "No privileges by sync"). Only roles
 * of the allowlist setting (empty by default); `admin`, `bot` and `app` never, whatever it says. A
 * request naming any other role is refused whole (`400`), and the planner never sees one.
 */
import type { DesiredState } from '../sync/types';
import { NEVER_ASSIGNABLE_ROLES } from './accounts';

export type RoleRefusal = 'never-assignable' | 'not-in-allowlist';

/** Why the system of record may not assign `role`, or null when it may. Role names compare exactly, as Rocket.Chat's do. */
export function roleRefusal(role: string, allowlist: ReadonlySet<string>): RoleRefusal | null {
	if (NEVER_ASSIGNABLE_ROLES.includes(role)) return 'never-assignable';
	return allowlist.has(role) ? null : 'not-in-allowlist';
}

/** The plain-language reason for a refused role (the `message` of a 400 detail). */
export function roleRefusalText(reason: RoleRefusal): string {
	return reason === 'never-assignable'
		? 'is a role the system of record may never assign'
		: 'is not in the roles the system of record may assign (setting "sync_assignable_roles")';
}

/** The refused roles among `names`, each with its reason, in the given order. */
export function refusedRoles(names: Iterable<string>, allowlist: ReadonlySet<string>): Array<{ role: string; reason: RoleRefusal }> {
	const out: Array<{ role: string; reason: RoleRefusal }> = [];
	for (const role of names) {
		const reason = roleRefusal(role, allowlist);
		if (reason) out.push({ role, reason });
	}
	return out;
}

/**
 * The desired state with only the roles the allowlist permits now (roles stored before the allowlist
 * shrank are dropped: the sync neither grants nor revokes them any more). Returns the same object when
 * nothing is dropped.
 */
export function restrictRoles(desired: DesiredState, allowlist: ReadonlySet<string>): { desired: DesiredState; dropped: string[] } {
	const roles = desired.roles ?? {};
	const dropped = Object.keys(roles).filter((name) => roleRefusal(name, allowlist) !== null);
	if (dropped.length === 0) return { desired, dropped };
	const kept: Record<string, ReadonlyArray<string>> = {};
	for (const [name, members] of Object.entries(roles)) if (!dropped.includes(name)) kept[name] = members;
	return { desired: { ...desired, roles: kept }, dropped };
}
