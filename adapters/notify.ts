import { IModify, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

/** A message only `user` sees (ephemeral), sent as the app's bot user. */
export async function whisper(read: IRead, modify: IModify, user: IUser, room: IRoom, text: string, threadId?: string): Promise<void> {
	const bot = await read.getUserReader().getAppUser();
	const builder = modify.getCreator().startMessage().setRoom(room).setText(text).setGroupable(false);
	if (bot) builder.setSender(bot);
	if (threadId) builder.setThreadId(threadId);
	await modify.getNotifier().notifyUser(user, builder.getMessage());
}

/** A message in the room as the app's bot user, with the configured display name. */
export async function say(
	read: IRead,
	modify: IModify,
	room: IRoom,
	text: string,
	options: { alias?: string; threadId?: string } = {},
): Promise<string> {
	const bot = await read.getUserReader().getAppUser();
	const builder = modify.getCreator().startMessage().setRoom(room).setText(text).setGroupable(false);
	if (bot) builder.setSender(bot);
	if (options.alias) builder.setUsernameAlias(options.alias);
	if (options.threadId) builder.setThreadId(options.threadId);
	return modify.getCreator().finish(builder);
}
