import { currentMatcher } from './triggerSet';
import { isFromPerson } from './people';
import { say } from '../../adapters/notify';
import { LogRepository } from '../../adapters/persistence/LogRepository';
import { MAX_REGEX_WORK } from '../../core/chatbot/triggerMatcher';
import { pickReply } from '../../core/chatbot/triggers';
import type { MessageEventContext, MessageReactor } from '../messageReactor';

/** The cost cap is reported at most this often per server instance (a long chat would otherwise flood the log). */
const CAP_REPORT_EVERY_MS = 10 * 60_000;
let lastCapReport = 0;

/**
 * Chat triggers: a new message that matches a trigger's pattern gets one of its replies, picked at random, from the bot,
 * in the same room (in the thread when the message is in one). The first matching trigger in set order answers.
 * Edits are not answered again; messages of bots and of the app itself are ignored. Replies never mass-mention.
 */
export const triggerReactor: MessageReactor = {
	name: 'chat triggers',
	onSent: (ctx) => handleTriggers(ctx),
};

export async function handleTriggers(ctx: MessageEventContext, random: () => number = Math.random): Promise<void> {
	const { message, config, read, modify } = ctx;
	if (!config.chatbot.triggers) return;
	const text = message.text;
	if (typeof text !== 'string' || text.trim() === '' || !isFromPerson(message)) return;
	const { matcher } = await currentMatcher(read.getPersistenceReader());
	const trigger = matcher.first(text);
	if (matcher.lastRun.skipped > 0) await reportCap(ctx, text.length, matcher.lastRun.evaluated, matcher.lastRun.skipped);
	if (!trigger) return;
	const reply = pickReply(trigger, { username: message.sender.username, name: message.sender.name }, random);
	await say(read, modify, message.room, reply, { alias: config.chatbot.botName, threadId: message.threadId });
}

async function reportCap(ctx: MessageEventContext, length: number, evaluated: number, skipped: number): Promise<void> {
	const now = Date.now();
	if (now - lastCapReport < CAP_REPORT_EVERY_MS) return;
	lastCapReport = now;
	const message =
		`trigger cost cap reached on a message of ${length} characters: ${evaluated} patterns checked, ${skipped} left out ` +
		`(budget ${MAX_REGEX_WORK} units; patterns with literal words are cheap, see the README)`;
	const entry = await new LogRepository().add(ctx.persis, { level: 'warning', event: 'trigger-cost-capped', message });
	ctx.app.getLogger().warn(`${message} [${entry.reference}]`);
}
