import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { findUserByUsername, isFromPerson } from './people';
import { newTotalText, refusalText } from './texts';
import { translatorFor } from '../../adapters/i18n';
import { say, whisper } from '../../adapters/notify';
import { PointsLedgerRepository } from '../../adapters/persistence/PointsLedgerRepository';
import { toAwardRecords } from '../../core/chatbot/ledger';
import { mayContainPoints, parsePoints } from '../../core/chatbot/points';
import { decideAwards, isSilentRefusal, MAX_AWARD_AGE_MS, UserRef, usernamesToResolve } from '../../core/chatbot/policy';
import type { MessageEventContext, MessageReactor } from '../messageReactor';

const ledger = new PointsLedgerRepository();

/**
 * Chat points: `@jane ++` in a message gives jane a point (parser, policy and ledger math in core/chatbot). A message
 * without points costs a pre-check on its text and nothing else: no call leaves the handler before it says yes.
 *
 * An edited message goes through the same path: the policy refuses, silently, any award of a message that already has
 * ledger records, so an edit never counts twice (nor do two instances handling the same message: same record ids).
 */
export const pointsReactor: MessageReactor = {
	name: 'chat points',
	onSent: (ctx) => handlePoints(ctx),
	onUpdated: (ctx) => handlePoints(ctx),
};

export async function handlePoints(ctx: MessageEventContext): Promise<void> {
	const { message, config, read, modify, persis } = ctx;
	if (!config.chatbot.points) return;
	const text = message.text;
	if (typeof text !== 'string' || !mayContainPoints(text) || !isFromPerson(message) || !message.id) return;
	const awards = parsePoints(text);
	if (awards.length === 0) return;

	const now = Date.now();
	const messageTs = message.createdAt ? new Date(message.createdAt).getTime() : now;
	// The policy would refuse these silently; stop before any call (a restart replaying old messages, a late edit).
	if (!(now - messageTs <= MAX_AWARD_AGE_MS)) return;

	const sender = message.sender;
	const giver: UserRef = { id: sender.id, username: sender.username };
	const names = usernamesToResolve(awards);
	const found = await Promise.all(names.map((name) => findUserByUsername(read, name)));
	const users = new Map<string, UserRef>();
	names.forEach((name, i) => {
		const user = found[i];
		if (user) users.set(name, { id: user.id, username: user.username });
	});
	const receiverIds = [...new Set([...users.values()].map((u) => u.id))];
	const recent = await ledger.recentFor(
		read.getPersistenceReader(),
		message.id,
		giver.id,
		config.chatbot.pointsCooldownMs > 0,
		receiverIds,
	);

	const decision = decideAwards({
		messageId: message.id,
		messageTs,
		giver,
		awards,
		users,
		limits: config.chatbot,
		recent,
		now,
	});
	const records = toAwardRecords(message.id, messageTs, giver.id, decision.accepted);
	await ledger.add(persis, records);

	// The public answer and the private refusals are both attempted; a failure of either is reported after both ran.
	const threadId = message.threadId;
	const announce = async () => {
		if (records.length === 0) return;
		const totals = await Promise.all(decision.accepted.map((a) => ledger.pointsOf(read.getPersistenceReader(), a.receiver.id)));
		const t = await translatorFor(read);
		const lines = decision.accepted.map((a, i) => newTotalText(t, a.receiver.username, totals[i]));
		await say(read, modify, message.room, lines.join('\n'), { alias: config.chatbot.botName, threadId });
	};
	const explain = async () => {
		const loud = decision.refused.filter((r) => !isSilentRefusal(r.refusal));
		if (loud.length === 0) return;
		// The message carries the sender without their preferences: read the user for their language.
		const full = ((await read.getUserReader().getById(sender.id)) as IUser | undefined) ?? sender;
		const t = await translatorFor(read, full);
		const lines = [...new Set(loud.map((r) => refusalText(t, r)).filter((line) => line !== ''))];
		await whisper(read, modify, sender, message.room, lines.join('\n'), threadId);
	};
	const failed = (await Promise.allSettled([announce(), explain()])).find((r) => r.status === 'rejected');
	if (failed) throw failed.reason;
}
