/**
 * Points ledger math (pure). Awards are stored as one record each and totals are derived, so two server instances that
 * handle messages at once never overwrite each other's points; old records are folded into one snapshot per user.
 *
 * Records and idempotence
 * - A record's id is derived from (message id, receiver id) by {@link awardRecordId}, and its `ts` is the message's
 *   creation time. Every handling of the same message (two instances, a retry, an edit) therefore produces the same id
 *   and ts, and {@link dedupeRecords} keeps one record per id (the earliest; ties broken deterministically), so a
 *   message gives a receiver at most one award, whatever the number of handlings or stored copies.
 *
 * Snapshots and compaction
 * - A {@link PointsSnapshot} holds a receiver's points from folded records, `sealedBefore` (a ts watermark) and
 *   `covered` (the ids, with their ts, of folded records with `ts >= sealedBefore`). A record is *covered* by its
 *   receiver's snapshot when its id is in `covered` or its ts is below `sealedBefore`; {@link computeTotals} counts
 *   snapshot points plus the records that are not covered, each id once.
 * - Invariant: every folded record is covered (its id stays in `covered` until the watermark passes its ts), and a
 *   covered record was folded or can never be written again.
 *   - Never counted twice, with no assumption on timing: a record counted in the snapshot is covered, so a leftover copy
 *     (compaction stopped between writing the snapshot and deleting the records) or a late duplicate (same id, same ts)
 *     is skipped.
 *   - Never lost: a plan deletes only the ids it folded or that were already covered, never "everything older than X",
 *     so an award written while the compaction runs stays as a raw record and is counted. Records below the watermark
 *     are skipped without being in `covered`, which is safe because the watermark trails the compaction's clock by
 *     `sealAfterMs` (7 days) while writers never write a record older than the policy's `MAX_AWARD_AGE_MS` (1 hour,
 *     messages older than that are refused); `sealAfterMs` must exceed that age plus any clock skew.
 * - Assumptions for the shell: one compaction at a time (a scheduled job, not two concurrent runs), any number of
 *   concurrent award writers; apply a plan by writing `put` first (one record per receiver, replacing the previous one),
 *   then deleting `deleteRecordIds` (every stored copy of each id). Stopping anywhere in between is safe and the next
 *   plan cleans up.
 */
import type { AcceptedAward } from './policy';

export interface AwardRecord {
	/** {@link awardRecordId}(messageId, receiver). */
	readonly id: string;
	readonly messageId: string;
	/** User ids. */
	readonly giver: string;
	readonly receiver: string;
	readonly delta: 1 | -1;
	/** The message's creation time (ms), identical for every handling of the message. */
	readonly ts: number;
	readonly reason?: string;
}

export interface PointsSnapshot {
	readonly receiver: string;
	/** Increases by one with each compaction that changes the snapshot. */
	readonly version: number;
	readonly points: number;
	/** Records of this receiver with a ts below this are accounted for (folded before, or too old to be written). */
	readonly sealedBefore: number;
	/** Folded record ids with `ts >= sealedBefore`, mapped to their ts. */
	readonly covered: Readonly<Record<string, number>>;
}

export interface LeaderboardEntry {
	/** Competition ranking: ties share a rank and the next rank skips (1, 2, 2, 4). */
	readonly rank: number;
	readonly user: string;
	readonly points: number;
}

export interface CompactionOptions {
	readonly now: number;
	/** Records younger than this stay raw. Default 1 hour. */
	readonly foldAfterMs?: number;
	/** The watermark trails `now` by this much; must exceed MAX_AWARD_AGE_MS plus clock skew. Default 7 days. */
	readonly sealAfterMs?: number;
}

export interface CompactionPlan {
	/** New snapshots, at most one per receiver; write them first. */
	readonly put: readonly PointsSnapshot[];
	/** Award record ids to delete afterwards (folded now, or already covered). */
	readonly deleteRecordIds: readonly string[];
	/** Number of distinct records folded into the new snapshots. */
	readonly folded: number;
}

export const DEFAULT_FOLD_AFTER_MS = 60 * 60 * 1000;
export const DEFAULT_SEAL_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

/** The record id of the award a message gives a receiver: same message and receiver, same id. Unambiguous. */
export function awardRecordId(messageId: string, receiverId: string): string {
	return `award:${encodeURIComponent(messageId)}:${encodeURIComponent(receiverId)}`;
}

/** The records to write for the accepted awards of one message. */
export function toAwardRecords(messageId: string, messageTs: number, giverId: string, accepted: readonly AcceptedAward[]): AwardRecord[] {
	return accepted.map((a) => {
		const record: AwardRecord = {
			id: awardRecordId(messageId, a.receiver.id),
			messageId,
			giver: giverId,
			receiver: a.receiver.id,
			delta: a.delta,
			ts: messageTs,
		};
		return a.reason === undefined ? record : { ...record, reason: a.reason };
	});
}

/** +1, -1, or 0 for a malformed stored delta (never counted). */
function deltaOf(r: AwardRecord): number {
	return r.delta === 1 ? 1 : r.delta === -1 ? -1 : 0;
}

/** Total order among copies of one id: earliest ts first, then smaller delta, then giver. */
function wins(a: AwardRecord, b: AwardRecord): boolean {
	if (a.ts !== b.ts) return a.ts < b.ts;
	if (a.delta !== b.delta) return a.delta < b.delta;
	return a.giver < b.giver;
}

/** One record per id, the same one whatever the input order. */
export function dedupeRecords(records: readonly AwardRecord[]): AwardRecord[] {
	const byId = new Map<string, AwardRecord>();
	for (const r of records) {
		const prev = byId.get(r.id);
		if (prev === undefined || wins(r, prev)) byId.set(r.id, r);
	}
	return [...byId.values()];
}

/** The snapshot in force per receiver: the highest version (ties: the one with more points, then the later watermark). */
export function currentSnapshots(snapshots: readonly PointsSnapshot[]): Map<string, PointsSnapshot> {
	const out = new Map<string, PointsSnapshot>();
	for (const s of snapshots) {
		const prev = out.get(s.receiver);
		if (
			prev === undefined ||
			s.version > prev.version ||
			(s.version === prev.version && (s.points > prev.points || (s.points === prev.points && s.sealedBefore > prev.sealedBefore)))
		) {
			out.set(s.receiver, s);
		}
	}
	return out;
}

/** Whether a record is already accounted for by its receiver's snapshot. */
export function isCovered(snapshot: PointsSnapshot | undefined, record: AwardRecord): boolean {
	if (snapshot === undefined) return false;
	return record.ts < snapshot.sealedBefore || Object.prototype.hasOwnProperty.call(snapshot.covered, record.id);
}

/** Points per receiver: snapshot points plus every record (each id once) its snapshot does not cover. */
export function computeTotals(records: readonly AwardRecord[], snapshots: readonly PointsSnapshot[] = []): Map<string, number> {
	const snaps = currentSnapshots(snapshots);
	const totals = new Map<string, number>();
	for (const s of snaps.values()) totals.set(s.receiver, s.points);
	for (const r of dedupeRecords(records)) {
		if (isCovered(snaps.get(r.receiver), r)) continue;
		totals.set(r.receiver, (totals.get(r.receiver) ?? 0) + deltaOf(r));
	}
	return totals;
}

export function pointsOf(totals: ReadonlyMap<string, number>, user: string): number {
	return totals.get(user) ?? 0;
}

/**
 * Users by points, highest first (ties in user order), with competition ranks (1, 2, 2, 4). `top` keeps the first
 * `top` entries (a tie at the cut is cut too; ranks stay those of the whole board).
 */
export function leaderboard(totals: ReadonlyMap<string, number>, top: number = Number.POSITIVE_INFINITY): LeaderboardEntry[] {
	const sorted = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
	const n = Math.max(0, Math.min(sorted.length, Math.floor(top)));
	const out: LeaderboardEntry[] = [];
	for (let i = 0; i < n; i++) {
		const [user, points] = sorted[i];
		const rank = i > 0 && sorted[i - 1][1] === points ? out[i - 1].rank : i + 1;
		out.push({ rank, user, points });
	}
	return out;
}

/** A user's rank on the whole board (users without points share the rank after everyone with more). */
export function rankOf(totals: ReadonlyMap<string, number>, user: string): number {
	const points = pointsOf(totals, user);
	let higher = 0;
	for (const p of totals.values()) if (p > points) higher++;
	return higher + 1;
}

/**
 * Plans a compaction from the records and snapshots read now (see the module comment for the invariant and how to apply
 * the plan). Folds every record of at least `foldAfterMs` that its snapshot does not cover, raises the watermark to
 * `now - sealAfterMs` and forgets the covered ids below it.
 */
export function planCompaction(
	records: readonly AwardRecord[],
	snapshots: readonly PointsSnapshot[],
	options: CompactionOptions,
): CompactionPlan {
	const foldAfter = Math.max(0, options.foldAfterMs ?? DEFAULT_FOLD_AFTER_MS);
	const sealAfter = Math.max(foldAfter, options.sealAfterMs ?? DEFAULT_SEAL_AFTER_MS);
	const foldBefore = options.now - foldAfter;
	const sealBefore = options.now - sealAfter;
	const snaps = currentSnapshots(snapshots);
	const byReceiver = new Map<string, AwardRecord[]>();
	for (const r of dedupeRecords(records)) {
		const list = byReceiver.get(r.receiver);
		if (list) list.push(r);
		else byReceiver.set(r.receiver, [r]);
	}
	for (const receiver of snaps.keys()) if (!byReceiver.has(receiver)) byReceiver.set(receiver, []);

	const put: PointsSnapshot[] = [];
	const deleteRecordIds: string[] = [];
	let folded = 0;
	for (const [receiver, list] of byReceiver) {
		const prev = snaps.get(receiver);
		const sealedBefore = Math.max(prev?.sealedBefore ?? 0, sealBefore);
		let points = prev?.points ?? 0;
		const covered: Record<string, number> = {};
		let changed = false;
		if (prev) {
			for (const id of Object.keys(prev.covered)) {
				const ts = prev.covered[id];
				if (ts >= sealedBefore) covered[id] = ts;
				else changed = true;
			}
		}
		for (const r of list) {
			if (isCovered(prev, r)) {
				deleteRecordIds.push(r.id);
				continue;
			}
			// Every uncovered record below the new watermark is folded here: sealBefore <= foldBefore.
			if (!(r.ts < foldBefore)) continue;
			points += deltaOf(r);
			if (r.ts >= sealedBefore) covered[r.id] = r.ts;
			deleteRecordIds.push(r.id);
			folded++;
			changed = true;
		}
		// Raising the watermark alone changes nothing worth a write: only folding or forgetting ids does.
		if (!changed) continue;
		put.push({ receiver, version: (prev?.version ?? 0) + 1, points, sealedBefore, covered });
	}
	return { put, deleteRecordIds, folded };
}
