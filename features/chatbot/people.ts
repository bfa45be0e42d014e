import { IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

/**
 * Whether a message was written by a person: not the app's own bot, not another bot or app, not a system message
 * (user joined, room renamed...). Decided from the message alone, without any call.
 */
export function isFromPerson(message: IMessage): boolean {
	const sender = message.sender;
	if (!sender || typeof sender.id !== 'string' || typeof sender.username !== 'string') return false;
	const type = sender.type as string | undefined;
	if (type === 'app' || type === 'bot') return false;
	if (message.type) return false;
	// Livechat visitors are not users of the server: points and triggers are for the community rooms.
	return (message.room?.type as string | undefined) !== 'l';
}

/** A user by the username as written after `@`: exact first, then lower-cased (usernames are mostly lower case). */
export async function findUserByUsername(read: IRead, username: string): Promise<IUser | undefined> {
	const reader = read.getUserReader();
	const exact = (await reader.getByUsername(username)) as IUser | undefined;
	if (exact) return exact;
	const lower = username.toLowerCase();
	return lower === username ? undefined : reader.getByUsername(lower);
}
