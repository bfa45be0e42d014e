import { Translate } from '../../adapters/i18n';
import { RunResult } from './SyncRunner';

/**
 * The text for a run that never got to plan (another run held the lease, it failed, or it is still reading
 * rooms), the same in the chat and in the panel; undefined for a run that planned.
 */
export function unplannedRunText(t: Translate, r: RunResult): string | undefined {
	switch (r.outcome) {
		case 'busy':
			return t('sync_busy');
		case 'failed':
			return t('sync_run_failed', { error: r.error ?? '?' });
		case 'reading':
			return t('sync_reading', { count: r.unreadRooms ?? 0 });
		default:
			return undefined;
	}
}
