import type { LayoutBlock } from '@rocket.chat/ui-kit';

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
		{
			type: 'input',
			blockId: Field.Pattern,
			label: plain(t('triggers_pattern_label')),
			hint: plain(t('triggers_pattern_hint')),
			element: {
				type: 'plain_text_input',
				appId,
				blockId: Field.Pattern,
				actionId: Field.Pattern,
				...(values.pattern ? { initialValue: values.pattern } : {}),
			},
		},
		{
			type: 'input',
			blockId: Field.Responses,
			label: plain(t('triggers_responses_label')),
			hint: plain(t('triggers_responses_hint')),
			element: {
				type: 'plain_text_input',
				appId,
				blockId: Field.Responses,
				actionId: Field.Responses,
				multiline: true,
				...(values.responses ? { initialValue: values.responses } : {}),
			},
		},
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
		{
			type: 'input',
			blockId: Field.Sample,
			optional: true,
			label: plain(t('triggers_edit_sample_label')),
			hint: plain(t('triggers_edit_sample_hint')),
			element: {
				type: 'plain_text_input',
				appId,
				blockId: Field.Sample,
				actionId: Field.Sample,
				...(values.sample ? { initialValue: values.sample } : {}),
			},
		},
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
