import { IModify, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';
import type { LayoutBlock } from '@rocket.chat/ui-kit';

/** The action id of the button; the route table (ui/routes.ts) sends its clicks to the deactivation. */
export const DEACTIVATE_IDLE_ACTION = 'ri-sync.deactivate-idle';

/** The view: the count and a button that deactivates. */
export function deactivateIdleConfirmBlocks(appId: string, text: string, label: string, value: string): LayoutBlock[] {
	return [
		{ type: 'section', blockId: `${DEACTIVATE_IDLE_ACTION}:text`, text: { type: 'mrkdwn', text } },
		{
			type: 'actions',
			blockId: `${DEACTIVATE_IDLE_ACTION}:actions`,
			elements: [
				{
					type: 'button',
					appId,
					blockId: `${DEACTIVATE_IDLE_ACTION}:actions`,
					actionId: DEACTIVATE_IDLE_ACTION,
					text: { type: 'plain_text', text: label, emoji: true },
					value,
					style: 'danger',
				},
			],
		},
	];
}

/** Shows the view to the admin only, as a private message from the app's bot. */
export async function showDeactivateIdleConfirm(
	env: { appId: string; read: IRead; modify: IModify; sender: IUser; room: IRoom; threadId?: string },
	text: string,
	label: string,
	value: string,
): Promise<void> {
	const blocks = deactivateIdleConfirmBlocks(env.appId, text, label, value);
	const bot = await env.read.getUserReader().getAppUser();
	const builder = env.modify.getCreator().startMessage().setRoom(env.room).setText(text).setBlocks(blocks).setGroupable(false);
	if (bot) builder.setSender(bot);
	if (env.threadId) builder.setThreadId(env.threadId);
	await env.modify.getNotifier().notifyUser(env.sender, builder.getMessage());
}
