import { openPanel } from '../../ui/admin/panel';
import { CommandContext } from './types';

/** `/integration` with no argument: opens the admin panel (a client that gives no trigger gets the help instead). */
export async function openPanelCommand(ctx: CommandContext): Promise<boolean> {
	if (!ctx.triggerId) return false;
	await openPanel({ app: ctx.app, read: ctx.read, modify: ctx.modify, http: ctx.http, persis: ctx.persis }, ctx.sender, ctx.triggerId);
	return true;
}
