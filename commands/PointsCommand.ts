import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';

import { loadConfig } from '../adapters/config';
import { leaderboardPage, standingOf } from '../features/chatbot/leaderboard';
import { findUserByUsername } from '../features/chatbot/people';
import { translatorFor } from '../adapters/i18n';
import { whisper } from '../adapters/notify';

export const DEFAULT_TOP = 10;
export const MAX_TOP = 50;

/** `/points` (own points), `/points @jane`, `/points top [n]`: answered privately, in the caller's language. */
export class PointsCommand implements ISlashCommand {
	public command = 'points';
	public i18nParamsExample = 'points_params';
	public i18nDescription = 'points_description';
	public providesPreview = false;

	public async executor(context: SlashCommandContext, read: IRead, modify: IModify, _http: IHttp, _persis: IPersistence): Promise<void> {
		const sender = context.getSender();
		const t = await translatorFor(read, sender);
		const reply = (text: string) => whisper(read, modify, sender, context.getRoom(), text, context.getThreadId());
		const { config } = await loadConfig(read);
		if (!config.chatbot.points) {
			await reply(t('points_disabled'));
			return;
		}
		const [first, second, ...rest] = context.getArguments();
		const sub = (first ?? '').toLowerCase();

		if (first === undefined) {
			const { points, rank } = await standingOf(read, sender.id);
			await reply(t('points_yours', { points, rank }));
			return;
		}
		if (sub === 'top' && rest.length === 0 && (second === undefined || /^\d{1,3}$/.test(second))) {
			const n = Math.min(MAX_TOP, Math.max(1, second === undefined ? DEFAULT_TOP : Number(second)));
			const { entries } = await leaderboardPage(read, 0, n);
			if (entries.length === 0) {
				await reply(t('points_top_empty'));
				return;
			}
			const lines = [
				`*${t('points_top_title', { count: entries.length })}*`,
				...entries.map((e) => `${e.rank}. @${e.username}: ${e.points}`),
			];
			await reply(lines.join('\n'));
			return;
		}
		if (second === undefined && /^@?[A-Za-z0-9._-]+$/.test(first) && sub !== 'help') {
			const username = first.replace(/^@/, '');
			const user = await findUserByUsername(read, username);
			if (!user) {
				await reply(t('points_unknown_user', { username }));
				return;
			}
			const { points, rank } = await standingOf(read, user.id);
			await reply(t('points_of_user', { username: user.username, points, rank }));
			return;
		}
		await reply(t('points_usage'));
	}
}
