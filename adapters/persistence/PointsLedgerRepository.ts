import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { AwardRecord, awardRecordId, computeTotals, PointsSnapshot } from '../../core/chatbot/ledger';
import { RecentAward } from '../../core/chatbot/policy';
import { RecordStore } from './RecordStore';

/**
 * The chat points ledger (see core/chatbot/ledger.ts for the math and its invariants): one record per award, never
 * updated, tagged by message, giver and receiver so the handler reads only what a decision needs; and one snapshot per
 * receiver, written by the compaction job only. Totals are always derived: nothing here is read-modify-written.
 */
export class PointsLedgerRepository {
	private readonly awards = new RecordStore<AwardRecord>('points-award');
	private readonly snapshots = new RecordStore<PointsSnapshot>('points-snapshot');

	/**
	 * Writes the awards of one message. Each record id is derived from (message, receiver), so a second handling of the
	 * same message writes a twin that every reader counts once.
	 */
	async add(persis: IPersistence, records: readonly AwardRecord[]): Promise<void> {
		await Promise.all(
			records.map((r) => this.awards.insert(persis, r.id, r, { message: r.messageId, giver: r.giver, receiver: r.receiver })),
		);
	}

	/**
	 * What decideAwards needs: the records of this message, plus the giver's records when a cool-down applies. An award
	 * of this message already folded into a receiver's snapshot counts as a record of the message too (it can only
	 * happen when the compaction's clock runs an hour ahead of this instance's, but then it must not count twice).
	 */
	async recentFor(
		read: IPersistenceRead,
		messageId: string,
		giverId: string,
		withGiver: boolean,
		receiverIds: readonly string[],
	): Promise<RecentAward[]> {
		const [ofMessage, ofGiver, snapshots] = await Promise.all([
			this.awards.listByTag(read, 'message', messageId),
			withGiver ? this.awards.listByTag(read, 'giver', giverId) : Promise.resolve([]),
			Promise.all(receiverIds.map((id) => this.snapshots.get(read, id))),
		]);
		const folded: RecentAward[] = [];
		receiverIds.forEach((receiver, i) => {
			const ts = snapshots[i]?.covered[awardRecordId(messageId, receiver)];
			if (ts !== undefined) folded.push({ messageId, giver: giverId, receiver, ts });
		});
		return [...ofMessage, ...ofGiver, ...folded];
	}

	/**
	 * The points of one user. Records are read before the snapshot, never at once: compaction writes a snapshot before it
	 * deletes the records it folded, so a reader that saw a record gone also sees the snapshot that counts it.
	 */
	async pointsOf(read: IPersistenceRead, userId: string): Promise<number> {
		const records = await this.awards.listByTag(read, 'receiver', userId);
		const snapshot = await this.snapshots.get(read, userId);
		return computeTotals(records, snapshot ? [snapshot] : []).get(userId) ?? 0;
	}

	/** Points of every user who ever received some (a leaderboard's input). Same read order as {@link pointsOf}. */
	async allTotals(read: IPersistenceRead): Promise<Map<string, number>> {
		const records = await this.awards.list(read);
		const snapshots = await this.snapshots.list(read);
		return computeTotals(records, snapshots);
	}

	/** Every raw award record (compaction input; read BEFORE the snapshots, see PointsCompactionProcessor). */
	listAwards(read: IPersistenceRead): Promise<AwardRecord[]> {
		return this.awards.list(read);
	}

	listSnapshots(read: IPersistenceRead): Promise<PointsSnapshot[]> {
		return this.snapshots.list(read);
	}

	/** Replaces a receiver's snapshot (compaction only). */
	putSnapshot(persis: IPersistence, snapshot: PointsSnapshot): Promise<void> {
		return this.snapshots.put(persis, snapshot.receiver, snapshot);
	}

	/** Deletes every stored copy of an award record (compaction only, after the snapshot covering it is written). */
	removeAward(persis: IPersistence, id: string): Promise<void> {
		return this.awards.remove(persis, id);
	}
}
