import { RefusedAward } from '../../core/chatbot/policy';
import { MAX_PATTERN_LENGTH, MAX_RESPONSE_LENGTH, MAX_RESPONSES, MAX_TRIGGERS, TriggerError } from '../../core/chatbot/triggers';
import { Translate } from '../../adapters/i18n';

/** A remaining time as words: seconds under two minutes, then minutes, then hours (rounded up). */
export function durationText(t: Translate, ms: number): string {
	const seconds = Math.max(1, Math.ceil(ms / 1000));
	if (seconds < 120) return seconds === 1 ? t('duration_second') : t('duration_seconds', { n: seconds });
	const minutes = Math.ceil(seconds / 60);
	if (minutes < 120) return t('duration_minutes', { n: minutes });
	const hours = Math.ceil(minutes / 60);
	return hours === 1 ? t('duration_hour') : t('duration_hours', { n: hours });
}

/** "jane now has 12 points", for the bot's public answer. */
export function newTotalText(t: Translate, username: string, points: number): string {
	return t(Math.abs(points) === 1 ? 'points_now_one' : 'points_now_other', { username, points });
}

/** Why one award was refused, for the giver only. Silent refusals are filtered out before. */
export function refusalText(t: Translate, refused: RefusedAward): string {
	const username = refused.receiver?.username ?? refused.award.username;
	const r = refused.refusal;
	switch (r.code) {
		case 'unknown-user':
			return t('points_refused_unknown_user', { username });
		case 'self-points':
			return t('points_refused_self');
		case 'duplicate-in-message':
			return t('points_refused_duplicate', { username });
		case 'cool-down':
			return t('points_refused_cooldown', { username, time: durationText(t, r.remainingMs) });
		case 'too-many-in-message':
			return t('points_refused_too_many', { username, max: r.max });
		case 'message-too-old':
		case 'already-counted':
			return '';
	}
}

/** A trigger validation error in the admin's language (the API answers with the core's English message instead). */
export function triggerErrorText(t: Translate, e: TriggerError): string {
	switch (e.code) {
		case 'empty-pattern':
			return t('trigger_error_empty_pattern');
		case 'pattern-too-long':
			return t('trigger_error_pattern_too_long', { max: MAX_PATTERN_LENGTH });
		case 'invalid-pattern':
			return t('trigger_error_invalid_pattern', { detail: e.message.replace(/^Invalid pattern: /, '').replace(/\.$/, '') });
		case 'backreference':
			return t('trigger_error_backreference');
		case 'lookaround':
			return t('trigger_error_lookaround');
		case 'unsupported-syntax':
			return t('trigger_error_unsupported_syntax');
		case 'pattern-too-complex':
			return t('trigger_error_pattern_too_complex');
		case 'matches-empty':
			return t('trigger_error_matches_empty');
		case 'no-responses':
		case 'empty-response':
			return t('trigger_error_no_responses');
		case 'too-many-responses':
			return t('trigger_error_too_many_responses', { max: MAX_RESPONSES });
		case 'response-too-long':
			return t('trigger_error_response_too_long', { n: (e.index ?? 0) + 1, max: MAX_RESPONSE_LENGTH });
		case 'too-many-triggers':
			return t('trigger_error_too_many_triggers', { max: MAX_TRIGGERS });
		case 'invalid-id':
		case 'duplicate-id':
			return e.message;
	}
}
