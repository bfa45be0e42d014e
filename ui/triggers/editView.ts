import type { LayoutBlock, PlainText } from '@rocket.chat/ui-kit';

import { Translate } from '../../adapters/i18n';
import { Trigger } from '../../core/chatbot/triggers';
import { Action, button, EDIT_VIEW, Field, MODAL_PREFIX, ModalView, plain } from './common';

export interface EditDraft {
	pattern: string;
	responses: string;
	enabled: boolean;
	sample?: string;
}

/** The form to add a trigger (`trigger` undefined) or edit one. `page` is the list page to return to. */
export function editView(appId: string, t: Translate, trigger: Trigger | undefined, page: number, draft?: EditDraft): ModalView {
	const values: EditDraft = draft ?? {
		pattern: trigger?.pattern ?? '',
		responses: (trigger?.responses ?? []).join('\n'),
		enabled: trigger?.enabled ?? true,
	};
	const on = { text: plain(t('triggers_enabled_on')), value: 'on' };
	const off = { text: plain(t('triggers_enabled_off')), value: 'off' };
	const blocks: LayoutBlock[] = [
		textInput(appId, Field.Pattern, plain(t('triggers_pattern_label')), plain(t('triggers_pattern_hint')), values.pattern),
		textInput(appId, Field.Responses, plain(t('triggers_responses_label')), plain(t('triggers_responses_hint')), values.responses, {
			multiline: true,
		}),
		{
			type: 'input',
			blockId: Field.Enabled,
			label: plain(t('triggers_enabled_label')),
			element: {
				type: 'static_select',
				appId,
				blockId: Field.Enabled,
				actionId: Field.Enabled,
				placeholder: plain(t('triggers_enabled_label')),
				options: [on, off],
				initialOption: values.enabled ? on : off,
				initialValue: values.enabled ? 'on' : 'off',
			},
		},
		textInput(appId, Field.Sample, plain(t('triggers_edit_sample_label')), plain(t('triggers_edit_sample_hint')), values.sample, {
			optional: true,
		}),
		{
			type: 'actions',
			blockId: `${MODAL_PREFIX}.back`,
			elements: [button(appId, Action.Page, t('triggers_back'), String(page))],
		},
	];
	return {
		id: `${EDIT_VIEW}${page}:${trigger ? encodeURIComponent(trigger.id) : ''}`,
		title: plain(trigger ? t('triggers_edit_title') : t('triggers_new_title')),
		blocks,
		submit: button(appId, `${MODAL_PREFIX}.save`, t('triggers_save'), undefined, 'primary'),
		close: button(appId, `${MODAL_PREFIX}.close`, t('triggers_cancel')),
	};
}

/** A text input whose block and action ids are the field's name (errors find it either way). */
function textInput(
	appId: string,
	field: string,
	label: PlainText,
	hint: PlainText,
	initial: string | undefined,
	options: { multiline?: boolean; optional?: boolean } = {},
): LayoutBlock {
	return {
		type: 'input',
		blockId: field,
		...(options.optional ? { optional: true } : {}),
		label,
		hint,
		element: {
			type: 'plain_text_input',
			appId,
			blockId: field,
			actionId: field,
			...(options.multiline ? { multiline: true } : {}),
			...(initial ? { initialValue: initial } : {}),
		},
	};
}
