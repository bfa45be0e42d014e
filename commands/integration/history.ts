import { durationText } from '../../features/chatbot/texts';
import { historyFigures, retryDeadLetters } from '../../features/history/admin';
import { CommandContext, StatusSection, Subcommand } from './types';

enum HistoryAction {
	Retry = 'retry',
}

/** `/integration history retry`: puts the dead letters of chat history back into the outbox. */
export const historyCommand: Subcommand = {
	name: 'history',
	usageKey: 'integration_usage_history',
	async run(ctx) {
		const [action] = ctx.args;
		if ((action ?? '').toLowerCase() !== (HistoryAction.Retry as string)) {
			await ctx.reply(ctx.t('history_usage'));
			return;
		}
		const result = await retryDeadLetters(ctx.read.getPersistenceReader(), ctx.persis);
		if (result.batches === 0) {
			await ctx.reply(ctx.t('history_retry_none'));
			return;
		}
		const lines = [ctx.t('history_retry_done', { messages: result.messages, batches: result.batches })];
		if (result.remaining > 0) lines.push(ctx.t('history_retry_more', { remaining: result.remaining }));
		await ctx.reply(lines.join('\n'));
	},
};

/** Chat history in `/integration status`: recording, outbox depth and age, last error, dead letters. */
export const historySection: StatusSection = async (ctx: CommandContext) => {
	const { t } = ctx;
	const history = ctx.configResult.config.history;
	const now = Date.now();
	const f = await historyFigures(ctx.read.getPersistenceReader(), now);
	const lines = [`*${t('status_history')}*`];
	lines.push(
		`- ${t(!history.enabled ? 'status_history_off' : history.allRooms ? 'status_history_all_rooms' : 'status_history_managed_rooms')}`,
	);
	if (f.depth === 0) lines.push(`- ${t('status_history_outbox_empty')}`);
	else {
		const age = durationText(t, f.oldestUndeliveredAgeMs ?? 0);
		lines.push(`- ${t(f.depthIsLowerBound ? 'status_history_outbox_more' : 'status_history_outbox', { count: f.depth, age })}`);
	}
	if (f.lastSuccessAt !== null) lines.push(`- ${t('status_history_last_success', { time: new Date(f.lastSuccessAt).toISOString() })}`);
	if (f.lastError)
		lines.push(`- ${t('status_history_last_error', { error: f.lastError.message, time: new Date(f.lastError.at).toISOString() })}`);
	if (f.retryAt !== null) lines.push(`- ${t('status_history_next_attempt', { time: durationText(t, f.retryAt - now) })}`);
	if (f.deadLetters.batches === 0) lines.push(`- ${t('status_history_dead_none')}`);
	else lines.push(`- ${t('status_history_dead', { batches: f.deadLetters.batches, messages: f.deadLetters.messages })}`);
	return lines;
};
