/**
 * The safety valve, as a pure check: would this plan remove or deactivate too much, or does the
 * desired state look empty or truncated? The shell runs it before writing anything; when it is not
 * safe, the run halts, the reasons go to the log and `status`, and an admin confirms or the feed is
 * fixed.
 *
 * A share is "too much" when it is strictly greater than the limit and the count is greater than
 * `minimumCount` (default 0, so with a limit of 0 any removal halts). Shares are measured against
 * what the app manages now:
 * - room memberships: `removeMember` operations plus the managed members of rooms deleted, out of the
 *   managed people's memberships in managed rooms;
 * - role assignments: `removeRole` operations, out of the managed people's assignments of the roles
 *   in the plan's scope (`roleHolders`);
 * - accounts: `deactivateUser` operations, out of the active managed accounts;
 * - rooms: `deleteRoom` and `releaseRoom` operations, out of the managed rooms;
 * - role grants: accounts that gain a role (`addRole` operations, counted once per account), out of the
 *   accounts in scope (managed ones plus those the plan creates), so a feed that suddenly puts most
 *   people into a role halts like one that empties rooms.
 * Independently of the limit, the desired state is unsafe when it has no people while the app manages
 * accounts, or no active group while it manages rooms. And it looks truncated when the share of group
 * memberships naming people missing from the people list exceeds the limit.
 */
import { ActualState, Plan } from './types';

export interface SafetyOptions {
	/** Largest share (0..1) allowed; `SyncSettings.safetyLimit`. Values outside 0..1 are clamped, NaN counts as 0. */
	readonly safetyLimit: number;
	/** Counts up to this never halt, whatever their share (e.g. 10 to let a small org change freely). Default 0. */
	readonly minimumCount?: number;
}

export interface SafetyFigures {
	readonly limit: number;
	readonly membershipsRemoved: number;
	readonly membershipsManaged: number;
	readonly roleAssignmentsRemoved: number;
	readonly roleAssignmentsManaged: number;
	readonly roleAssignmentsAdded: number;
	/** Accounts that gain at least one role. */
	readonly accountsGranted: number;
	/** Managed accounts plus the accounts the plan creates. */
	readonly accountsInScope: number;
	readonly accountsDeactivated: number;
	readonly accountsActive: number;
	readonly roomsLost: number;
	readonly roomsManaged: number;
	readonly desiredPeople: number;
	readonly desiredGroups: number;
	readonly desiredMemberships: number;
	readonly unknownMemberships: number;
}

export interface SafetyVerdict {
	readonly safe: boolean;
	/** One plain-language sentence per reason to halt; empty when safe. */
	readonly reasons: ReadonlyArray<string>;
	readonly figures: SafetyFigures;
}

export function checkSafety(plan: Plan, actual: ActualState, options: SafetyOptions): SafetyVerdict {
	const limit = Number.isNaN(options.safetyLimit) ? 0 : Math.min(1, Math.max(0, options.safetyLimit));
	const floor = options.minimumCount ?? 0;

	const managedUsers = new Set<string>();
	let accountsActive = 0;
	for (const account of actual.people.values()) {
		managedUsers.add(account.userId);
		if (account.active) accountsActive++;
	}
	const managedMembers = (userIds: ReadonlyArray<string>): number => {
		let n = 0;
		for (const id of userIds) if (managedUsers.has(id)) n++;
		return n;
	};
	let membershipsManaged = 0;
	for (const room of actual.rooms.values()) membershipsManaged += managedMembers(room.members);
	let roleAssignmentsManaged = 0;
	for (const holders of actual.roleHolders.values()) roleAssignmentsManaged += managedMembers(holders);

	let membershipsRemoved = 0;
	let roleAssignmentsRemoved = 0;
	let roleAssignmentsAdded = 0;
	const granted = new Set<string>();
	let accountsCreated = 0;
	let accountsDeactivated = 0;
	let roomsLost = 0;
	for (const op of plan.ops) {
		switch (op.kind) {
			case 'removeMember':
				membershipsRemoved++;
				break;
			case 'deleteRoom': {
				roomsLost++;
				const room = actual.rooms.get(op.groupKey);
				if (room !== undefined) membershipsRemoved += managedMembers(room.members);
				break;
			}
			case 'releaseRoom':
				roomsLost++;
				break;
			case 'removeRole':
				roleAssignmentsRemoved++;
				break;
			case 'addRole':
				roleAssignmentsAdded++;
				granted.add(op.externalId);
				break;
			case 'createUser':
				accountsCreated++;
				break;
			case 'deactivateUser':
				accountsDeactivated++;
				break;
			default:
				break;
		}
	}

	const f = plan.figures;
	const reasons: string[] = [];
	const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
	const share = (count: number, of: number, what: string, verb: string): void => {
		if (count > floor && of > 0 && count / of > limit) {
			reasons.push(`the run would ${verb} ${count} of ${of} ${what} (${pct(count / of)}), more than the limit of ${pct(limit)}`);
		}
	};
	const accountsInScope = actual.people.size + accountsCreated;
	if (f.desiredPeople === 0 && actual.people.size > 0) {
		reasons.push(`the desired state has no people while ${actual.people.size} accounts are managed: the feed looks empty`);
	}
	if (f.syncedGroups === 0 && actual.rooms.size > 0) {
		reasons.push(`the desired state has no active groups while ${actual.rooms.size} rooms are managed: the feed looks empty`);
	}
	if (f.unknownMemberships > floor && f.desiredMemberships > 0 && f.unknownMemberships / f.desiredMemberships > limit) {
		reasons.push(
			`${f.unknownMemberships} of ${f.desiredMemberships} group memberships (${pct(f.unknownMemberships / f.desiredMemberships)}) ` +
				`name people missing from the people list: the feed looks truncated`,
		);
	}
	share(membershipsRemoved, membershipsManaged, 'room memberships', 'remove');
	share(roleAssignmentsRemoved, roleAssignmentsManaged, 'role assignments', 'revoke');
	share(accountsDeactivated, accountsActive, 'active accounts', 'deactivate');
	share(roomsLost, actual.rooms.size, 'managed rooms', 'delete or release');
	share(granted.size, accountsInScope, 'accounts a role', 'grant');

	return {
		safe: reasons.length === 0,
		reasons,
		figures: {
			limit,
			membershipsRemoved,
			membershipsManaged,
			roleAssignmentsRemoved,
			roleAssignmentsManaged,
			roleAssignmentsAdded,
			accountsGranted: granted.size,
			accountsInScope,
			accountsDeactivated,
			accountsActive,
			roomsLost,
			roomsManaged: actual.rooms.size,
			desiredPeople: f.desiredPeople,
			desiredGroups: f.desiredGroups,
			desiredMemberships: f.desiredMemberships,
			unknownMemberships: f.unknownMemberships,
		},
	};
}
