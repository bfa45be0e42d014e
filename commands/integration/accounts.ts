import { Setting } from '../../core/settingIds';
import { tokenStrategy } from '../../features/accounts/AccountService';
import { latestLogEntries } from '../../features/admin/log';
import { PeopleLookup, PersonRecord } from '../../features/accounts/people';
import { restClientFor } from '../../adapters/rocketchat/clientFor';
import { RestError } from '../../adapters/rocketchat/RestClient';
import { CommandContext, StatusSection, Subcommand } from './types';

const DEFAULT_LOG_LINES = 10;
const MAX_LOG_LINES = 50;

/** `/integration log [n]`: the latest entries of the integration log. */
export const logCommand: Subcommand = {
	name: 'log',
	usageKey: 'integration_usage_log',
	async run(ctx) {
		const n = ctx.args[0] === undefined ? DEFAULT_LOG_LINES : Number.parseInt(ctx.args[0], 10);
		if (!Number.isInteger(n) || n < 1) {
			await ctx.reply(ctx.t('integration_log_bad_count', { max: MAX_LOG_LINES }));
			return;
		}
		const entries = await latestLogEntries(ctx.read.getPersistenceReader(), Math.min(n, MAX_LOG_LINES));
		if (entries.length === 0) {
			await ctx.reply(ctx.t('integration_log_empty'));
			return;
		}
		const lines = entries.map((e) => {
			const who = e.externalId ? ` ${e.externalId}` : '';
			return `\`${new Date(e.ts).toISOString()}\` ${e.level.toUpperCase()} ${e.event}${who}: ${e.message} _(${e.reference})_`;
		});
		await ctx.reply([`*${ctx.t('integration_log_title', { count: entries.length })}*`, ...lines].join('\n'));
	},
};

/** `/integration whois <@user|externalId>`: who a Rocket.Chat account is in the system of record, and back. */
export const whoisCommand: Subcommand = {
	name: 'whois',
	usageKey: 'integration_usage_whois',
	async run(ctx) {
		const arg = ctx.args[0];
		if (!arg) {
			await ctx.reply(ctx.t('integration_whois_usage'));
			return;
		}
		const people = new PeopleLookup(ctx.read.getPersistenceReader());
		let record: PersonRecord | undefined;
		if (arg.startsWith('@')) {
			const user = await ctx.read.getUserReader().getByUsername(arg.slice(1));
			if (!user) {
				await ctx.reply(ctx.t('integration_whois_no_user', { user: arg }));
				return;
			}
			record = await people.byUserId(user.id);
			if (!record) {
				await ctx.reply(ctx.t('integration_whois_unmanaged', { user: arg }));
				return;
			}
		} else {
			record = await people.byExternalId(arg);
			if (!record) {
				await ctx.reply(ctx.t('integration_whois_unknown', { externalId: arg }));
				return;
			}
		}
		await ctx.reply(
			ctx.t('integration_whois_result', {
				externalId: record.externalId,
				username: record.username,
				name: `${record.firstName} ${record.lastName}`.trim(),
				email: record.email,
				state: ctx.t(record.active ? 'integration_state_active' : 'integration_state_inactive'),
				origin: ctx.t(record.createdByApp ? 'integration_whois_created' : 'integration_whois_linked'),
			}),
		);
	},
};

/** Whether the REST API answers with the configured admin token, and how many people are mapped. */
export const accountsSection: StatusSection = async (ctx: CommandContext) => {
	const lines = [`*${ctx.t('status_accounts')}*`];
	try {
		const rest = await restClientFor(ctx.http, ctx.read, ctx.configResult.config, 8000);
		const me = await rest.me();
		const isAdmin = (me.roles ?? []).includes('admin');
		lines.push(`- ${ctx.t(isAdmin ? 'status_rest_ok' : 'status_rest_not_admin', { username: me.username })}`);
	} catch (err) {
		const kind = err instanceof RestError ? err.kind : 'network';
		lines.push(`- ${ctx.t('status_rest_failed', { reason: ctx.t(`rest_error_${kind}`) })}`);
	}
	const strategy = await tokenStrategy(ctx.read);
	lines.push(`- ${ctx.t(`status_tokens_${strategy.replace('-', '_')}`, { setting: ctx.t(Setting.CreateTokensSecret) })}`);
	const people = await new PeopleLookup(ctx.read.getPersistenceReader()).all();
	const inactive = people.filter((p) => !p.active).length;
	lines.push(`- ${ctx.t('status_people', { count: people.length, inactive })}`);
	return lines;
};
