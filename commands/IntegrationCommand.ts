import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';

import { loadConfig } from '../adapters/config';
import { translatorFor } from '../adapters/i18n';
import { whisper } from '../adapters/notify';
import { isAdmin } from '../core/security/accounts';
import { openPanelCommand } from './integration/panel';
import { helpCommand, subcommands } from './integration/subcommands';
import { CommandContext } from './integration/types';

/** `/integration <sub-command>`: the administrators' command. Every answer is private and localised. */
export class IntegrationCommand implements ISlashCommand {
	public command = 'integration';
	public i18nParamsExample = 'integration_params';
	public i18nDescription = 'integration_description';
	public providesPreview = false;

	constructor(private readonly app: IApp) {}

	public async executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
		const sender = context.getSender();
		const room = context.getRoom();
		const t = await translatorFor(read, sender);
		const reply = (text: string) => whisper(read, modify, sender, room, text, context.getThreadId());
		if (!isAdmin(sender)) {
			await reply(t('integration_admin_only'));
			return;
		}
		const [name, ...args] = context.getArguments();
		const all = subcommands();
		const sub = all.find((c) => c.name === (name ?? '').toLowerCase()) ?? helpCommand;
		const ctx: CommandContext = {
			app: this.app,
			sender,
			room,
			threadId: context.getThreadId(),
			triggerId: context.getTriggerId(),
			args: sub === helpCommand && name && name !== 'help' ? [] : args,
			read,
			modify,
			http,
			persis,
			configResult: await loadConfig(read),
			t,
			reply,
		};
		if (name && sub === helpCommand && name.toLowerCase() !== 'help') await reply(t('integration_unknown_subcommand', { name }));
		if (!name && (await openPanelCommand(ctx))) return;
		await sub.run(ctx);
	}
}
