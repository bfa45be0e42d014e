import { IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { leaderboard, rankOf } from '../../core/chatbot/ledger';
import { PointsLedgerRepository } from '../../adapters/persistence/PointsLedgerRepository';

export interface BoardEntry {
	readonly rank: number;
	readonly userId: string;
	/** The user's current username; the user id when the account no longer exists. */
	readonly username: string;
	readonly points: number;
}

export interface BoardPage {
	readonly entries: readonly BoardEntry[];
	/** Users on the whole board. */
	readonly total: number;
}

const ledger = new PointsLedgerRepository();

/** A page of the leaderboard (competition ranks over the whole board), with current usernames. */
export async function leaderboardPage(read: IRead, offset: number, count: number): Promise<BoardPage> {
	const board = leaderboard(await ledger.allTotals(read.getPersistenceReader()));
	const page = board.slice(offset, offset + count);
	const users = await Promise.all(page.map((e) => read.getUserReader().getById(e.user) as Promise<IUser | undefined>));
	return {
		total: board.length,
		entries: page.map((e, i) => ({ rank: e.rank, userId: e.user, username: users[i]?.username ?? e.user, points: e.points })),
	};
}

/** One user's points and rank on the whole board. */
export async function standingOf(read: IRead, userId: string): Promise<{ points: number; rank: number }> {
	const totals = await ledger.allTotals(read.getPersistenceReader());
	return { points: totals.get(userId) ?? 0, rank: rankOf(totals, userId) };
}

/** One user's points (one read of their records, without the whole board). */
export function pointsOf(read: IRead, userId: string): Promise<number> {
	return ledger.pointsOf(read.getPersistenceReader(), userId);
}
