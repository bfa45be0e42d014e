import { currentMatcher } from '../adapters/chatbot/triggerSet';
import { isFromPerson } from '../adapters/chatbot/people';
import { say } from '../adapters/notify';
import { pickReply } from '../core/chatbot/triggers';
import type { MessageEventContext, MessageReactor } from './registry';

/**
 * Chat triggers: a new message that matches a trigger's pattern gets one of its replies, picked at random, from the bot,
 * in the same room (in the thread when the message is in one). The first matching trigger in set order answers.
 * Edits are not answered again; messages of bots and of the app itself are ignored.
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
	if (!trigger) return;
	const reply = pickReply(trigger, { username: message.sender.username, name: message.sender.name }, random);
	await say(read, modify, message.room, reply, { alias: config.chatbot.botName, threadId: message.threadId });
}
