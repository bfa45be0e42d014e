import { validateConfig } from '../../core/config';
import { accountsSection } from './accounts';
import { historySection } from './history';
import { syncSection } from './sync';
import { CommandContext, StatusSection, Subcommand } from './types';
import { describeError } from '../../core/errors';

/** Sections of `/integration status`; each feature adds its own (sync, history, accounts...). */
export function statusSections(): StatusSection[] {
	return [configurationSection, accountsSection, syncSection, historySection];
}

/** What is wrong with the settings, and what a feature still lacks. */
export const configurationSection: StatusSection = async (ctx) => {
	const lines = [`*${ctx.t('status_configuration')}*`];
	if (!ctx.configResult.ok) {
		for (const e of ctx.configResult.errors)
			lines.push(`- ${ctx.t('status_setting_invalid', { setting: ctx.t(e.setting), reason: ctx.t(`config_error_${e.code}`) })}`);
	}
	const issues = validateConfig(ctx.configResult.config);
	for (const issue of issues)
		lines.push(`- ${ctx.t('status_setting_missing', { setting: ctx.t(issue.setting), feature: ctx.t(`feature_${issue.feature}`) })}`);
	if (ctx.configResult.ok && issues.length === 0) lines.push(`- ${ctx.t('status_configuration_ok')}`);
	return lines;
};

export const statusCommand: Subcommand = {
	name: 'status',
	usageKey: 'integration_usage_status',
	async run(ctx: CommandContext) {
		const parts: string[] = [];
		for (const section of statusSections()) {
			try {
				parts.push((await section(ctx)).join('\n'));
			} catch (err) {
				ctx.app.getLogger().error(`status section failed: ${describeError(err)}`);
			}
		}
		await ctx.reply(parts.join('\n\n'));
	},
};
