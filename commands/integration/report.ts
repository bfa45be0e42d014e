import { reportLink } from '../../features/admin/report';
import { Subcommand } from './types';

/** `/integration report`: whispers a signed link to the report page (valid 15 minutes, for this admin only). */
export const reportCommand: Subcommand = {
	name: 'report',
	usageKey: 'integration_usage_report',
	async run(ctx) {
		const link = await reportLink(ctx.read, ctx.persis, ctx.app.getID(), ctx.sender);
		await ctx.reply(ctx.t('report_link', { url: link.url, minutes: 15 }));
	},
};
