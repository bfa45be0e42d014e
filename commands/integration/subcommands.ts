import { logCommand, whoisCommand } from './accounts';
import { historyCommand } from './history';
import { reportCommand } from './report';
import { statusCommand } from './status';
import { deactivateIdleCommand } from './deactivateIdle';
import { roomsOfCommand, syncCommand } from './sync';
import { Subcommand } from './types';

export const helpCommand: Subcommand = {
	name: 'help',
	usageKey: 'integration_usage_help',
	async run(ctx) {
		const lines = [`*${ctx.t('integration_help_title')}*`, ...subcommands().map((c) => `\`/integration ${ctx.t(c.usageKey)}\``)];
		await ctx.reply(lines.join('\n'));
	},
};

/** The sub-commands of `/integration`; features add theirs here. `help` is the default. */
export function subcommands(): Subcommand[] {
	return [
		helpCommand,
		statusCommand,
		logCommand,
		whoisCommand,
		historyCommand,
		syncCommand,
		roomsOfCommand,
		deactivateIdleCommand,
		reportCommand,
	];
}
