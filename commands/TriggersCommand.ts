import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';
import { UIKitSurfaceType } from '@rocket.chat/apps-engine/definition/uikit';

import { loadConfig } from '../adapters/config';
import { loadTriggerSet } from '../features/chatbot/triggerSet';
import { translatorFor } from '../adapters/i18n';
import { whisper } from '../adapters/notify';
import { isAdmin, listView } from '../ui/triggersModal';

/** Triggers listed as text at most (the modal pages through any number). */
const MAX_LISTED = 100;

/**
 * `/triggers` (admins): opens the trigger editor (ui/triggersModal.ts). `/triggers list` answers with the set as
 * text instead, for clients that cannot show a modal.
 */
export class TriggersCommand implements ISlashCommand {
	public command = 'triggers';
	public i18nParamsExample = 'triggers_params';
	public i18nDescription = 'triggers_description';
	public providesPreview = false;

	constructor(private readonly app: IApp) {}

	public async executor(context: SlashCommandContext, read: IRead, modify: IModify, _http: IHttp, _persis: IPersistence): Promise<void> {
		const sender = context.getSender();
		const t = await translatorFor(read, sender);
		const reply = (text: string) => whisper(read, modify, sender, context.getRoom(), text, context.getThreadId());
		if (!isAdmin(sender)) {
			await reply(t('triggers_admin_only'));
			return;
		}
		const set = await loadTriggerSet(read.getPersistenceReader());
		const [sub] = context.getArguments();
		const triggerId = context.getTriggerId();
		if ((sub ?? '').toLowerCase() === 'list' || !triggerId) {
			const lines = [`*${t('triggers_list_title', { count: set.triggers.length })}*`];
			set.triggers.slice(0, MAX_LISTED).forEach((tr, i) => {
				const state = tr.enabled ? '' : ` (${t('triggers_enabled_off')})`;
				lines.push(`${i + 1}. \`${tr.pattern.replace(/`/g, 'ˋ')}\`${state}: ${tr.responses.join(' | ')}`);
			});
			if (set.triggers.length > MAX_LISTED) lines.push(t('triggers_list_more', { count: set.triggers.length - MAX_LISTED }));
			if (set.triggers.length === 0) lines.push(t('triggers_list_empty'));
			if (!triggerId && (sub ?? '').toLowerCase() !== 'list') lines.push('', t('triggers_no_modal'));
			await reply(lines.join('\n'));
			return;
		}
		const { config } = await loadConfig(read);
		const view = listView(this.app.getID(), t, set, {}, config.chatbot.triggers);
		await modify.getUiController().openSurfaceView({ ...view, type: UIKitSurfaceType.MODAL }, { triggerId }, sender);
	}
}
