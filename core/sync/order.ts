/**
 * The total order of a plan's operations, stable keys, and a resumable cursor.
 *
 * Every operation has a position `(phase, scope, id)`: `phase` is the index of its kind in `OP_KINDS`,
 * `scope` the group key (room operations), role name (role operations) or '' (account operations),
 * `id` the externalId ('' for operations on a whole room). No two operations of a plan share a
 * position, and `plan` returns them sorted by it (strings in plain code-unit order). So an applier can
 * work through a plan in bounded chunks, store the position of the last operation it handled, and
 * continue later with `resumeIndex`, on the same plan or on a fresh plan of the same run (operations
 * already applied are simply no longer in a fresh plan).
 */
import { OP_KINDS, OpKind, SyncOp } from './types';

/** JSON-serialisable position of an operation; store it as the cursor of a chunked run. */
export interface OpPosition {
	readonly phase: number;
	readonly scope: string;
	readonly id: string;
}

const PHASE: Readonly<Record<OpKind, number>> = Object.fromEntries(OP_KINDS.map((k, i) => [k, i])) as Record<OpKind, number>;

export function opPhase(kind: OpKind): number {
	return PHASE[kind];
}

export function opPosition(op: SyncOp): OpPosition {
	return { phase: PHASE[op.kind], scope: opScope(op), id: opId(op) };
}

/** The group key, role name or '' of an operation. */
export function opScope(op: SyncOp): string {
	if ('groupKey' in op) return op.groupKey;
	if ('roleName' in op) return op.roleName;
	return '';
}

/** The externalId an operation is about, or '' for whole-room operations. */
export function opId(op: SyncOp): string {
	return 'externalId' in op ? op.externalId : '';
}

/** A stable, unambiguous key (`["addMember","group-key","ext-id"]`), equal for the same change in any run. */
export function opKey(op: SyncOp): string {
	return JSON.stringify([op.kind, opScope(op), opId(op)]);
}

export function compareStrings(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

export function comparePositions(a: OpPosition, b: OpPosition): number {
	return a.phase - b.phase || compareStrings(a.scope, b.scope) || compareStrings(a.id, b.id);
}

/** Index of the first operation strictly after `cursor` (0 when the cursor is null), by binary search. */
export function resumeIndex(ops: ReadonlyArray<SyncOp>, cursor: OpPosition | null): number {
	if (cursor === null) return 0;
	let lo = 0;
	let hi = ops.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (comparePositions(opPosition(ops[mid]), cursor) <= 0) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * A short fingerprint (16 hex digits) of every operation in order, including its payload. The shell can
 * store it when the safety valve halts a run, so an admin's confirmation applies to that exact plan.
 */
export function planFingerprint(ops: ReadonlyArray<SyncOp>): string {
	let h1 = 0x811c9dc5;
	let h2 = 0x01000193 ^ ops.length;
	for (const op of ops) {
		const s = JSON.stringify(op);
		for (let i = 0; i < s.length; i++) {
			const c = s.charCodeAt(i);
			h1 = Math.imul(h1 ^ c, 0x01000193);
			h2 = Math.imul(h2 ^ c, 0x5bd1e995);
			h2 ^= h2 >>> 15;
		}
		h1 = Math.imul(h1 ^ 0x1f, 0x01000193);
	}
	return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
