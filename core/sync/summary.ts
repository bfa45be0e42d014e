/** Counting a plan: the contract's `Summary`, counts by kind, and the number of Rocket.Chat writes. */
import { OP_KINDS, OpKind, Plan, SyncOp, Summary } from './types';

/** Number of operations of each kind. */
export function countOps(ops: ReadonlyArray<SyncOp>): Record<OpKind, number> {
	const counts = Object.fromEntries(OP_KINDS.map((k) => [k, 0])) as Record<OpKind, number>;
	for (const op of ops) counts[op.kind]++;
	return counts;
}

/**
 * Operations that write to Rocket.Chat: all but `releaseRoom`, which only drops the app's own room
 * record. Each is one REST call or accessor update when applied one by one (the lower bound of writes
 * for the differences it covers); an applier may batch contiguous member operations of one room.
 */
export function writeCount(ops: ReadonlyArray<SyncOp>): number {
	let n = 0;
	for (const op of ops) if (op.kind !== 'releaseRoom') n++;
	return n;
}

/**
 * The contract's `Summary`. Mapping: `updateProfiles` counts `updateProfile`, `setPhoto` and
 * `resetPassword`; `setTopic` and `releaseRoom` have no field (see `countOps` for every kind). Each
 * conflict becomes `{externalId, reason: "<reason>: <detail>"}`.
 */
export function summarize(plan: Plan): Summary {
	const c = countOps(plan.ops);
	return {
		createRooms: c.createRoom,
		deleteRooms: c.deleteRoom,
		addMembers: c.addMember,
		removeMembers: c.removeMember,
		setLeaders: c.setLeader,
		unsetLeaders: c.unsetLeader,
		setModerators: c.setModerator,
		unsetModerators: c.unsetModerator,
		addRoles: c.addRole,
		removeRoles: c.removeRole,
		createUsers: c.createUser,
		updateProfiles: c.updateProfile + c.setPhoto + c.resetPassword,
		deactivateUsers: c.deactivateUser,
		reactivateUsers: c.reactivateUser,
		conflicts: plan.conflicts.map((x) => ({ externalId: x.externalId, reason: `${x.reason}: ${x.detail}` })),
	};
}
