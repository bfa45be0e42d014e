import {
	countIdle,
	deactivateIdle,
	IdleCount,
	idleClient,
	idleFailure,
	idleValue,
	MAX_DAYS,
	parseIdleArgs,
} from '../../features/admin/deactivateIdle';
import { RocketChatClient } from '../../adapters/rocketchat/RestClient';
import { showDeactivateIdleConfirm } from '../../ui/admin/deactivateIdleConfirm';
import { Subcommand } from './types';

/**
 * `/integration deactivate-idle <days> [role]`: what Rocket.Chat's `users.deactivateIdle` does, with the
 * count first and a button to go ahead (or `... confirm` typed after the same arguments).
 */
export const deactivateIdleCommand: Subcommand = {
	name: 'deactivate-idle',
	usageKey: 'integration_usage_deactivate_idle',
	async run(ctx) {
		const args = parseIdleArgs(ctx.args);
		if (!args) {
			await ctx.reply(ctx.t('deactivate_idle_usage', { max: MAX_DAYS }));
			return;
		}
		let rest: RocketChatClient;
		try {
			rest = await idleClient(ctx.http, ctx.read, ctx.configResult.config);
		} catch (err) {
			await ctx.reply(idleFailure(ctx.t, err));
			return;
		}
		if (args.confirm) {
			await ctx.reply(await deactivateIdle(ctx.t, rest, args.days, args.role));
			return;
		}
		let counted: IdleCount;
		try {
			counted = await countIdle(rest, args.days, args.role);
		} catch (err) {
			await ctx.reply(idleFailure(ctx.t, err));
			return;
		}
		if (counted.count === 0 && !counted.partial) {
			await ctx.reply(ctx.t('deactivate_idle_none', { days: args.days }));
			return;
		}
		const command = `/integration deactivate-idle ${args.days}${args.role ? ` ${args.role}` : ''} confirm`;
		const count = counted.partial ? `${counted.count}+` : String(counted.count);
		const text = [
			ctx.t(args.role ? 'deactivate_idle_count_role' : 'deactivate_idle_count', { count, days: args.days, role: args.role ?? '' }),
			ctx.t('deactivate_idle_confirm_hint', { command }),
		].join('\n');
		await showDeactivateIdleConfirm(
			{ appId: ctx.app.getID(), read: ctx.read, modify: ctx.modify, sender: ctx.sender, room: ctx.room, threadId: ctx.threadId },
			text,
			ctx.t('deactivate_idle_button', { count }),
			idleValue(args.days, args.role),
		);
	},
};
