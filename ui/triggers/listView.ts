import type { ButtonElement, LayoutBlock } from '@rocket.chat/ui-kit';

import { Translate } from '../../adapters/i18n';
import { validateTrigger } from '../../core/chatbot/triggers';
import { triggerErrorText } from '../../features/chatbot/texts';
import { TriggerSetRecord } from '../../features/chatbot/triggerSet';
import { Action, button, clip, code, Field, LIST_VIEW, MODAL_PREFIX, ModalView, mrkdwn, PAGE_SIZE, plain } from './common';

export interface ListOptions {
	page?: number;
	/** A line shown at the top (saved, deleted, an error). */
	notice?: string;
	/** The sample message last tested, and the result to show under it. */
	sample?: string;
	result?: string;
}

/** The list view of the set, one page at a time. */
export function listView(appId: string, t: Translate, set: TriggerSetRecord, options: ListOptions = {}, triggersOn = true): ModalView {
	const triggers = set.triggers;
	const pages = Math.max(1, Math.ceil(triggers.length / PAGE_SIZE));
	const page = Math.min(pages - 1, Math.max(0, Math.floor(options.page ?? 0)));
	const blocks: LayoutBlock[] = [
		{
			type: 'section',
			blockId: `${MODAL_PREFIX}.intro`,
			text: mrkdwn(`${t('triggers_modal_count', { count: triggers.length })}\n${t('triggers_modal_first_match')}`),
			accessory: button(appId, Action.Add, t('triggers_add'), 'new', 'primary'),
		},
	];
	if (!triggersOn)
		blocks.push({ type: 'context', blockId: `${MODAL_PREFIX}.off`, elements: [mrkdwn(`⚠️ ${t('triggers_setting_off')}`)] });
	if (options.notice) blocks.push({ type: 'context', blockId: `${MODAL_PREFIX}.notice`, elements: [mrkdwn(options.notice)] });
	blocks.push({ type: 'divider', blockId: `${MODAL_PREFIX}.top` });

	if (triggers.length === 0) blocks.push({ type: 'section', blockId: `${MODAL_PREFIX}.empty`, text: mrkdwn(t('triggers_list_empty')) });
	triggers.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).forEach((trigger, k) => {
		const n = page * PAGE_SIZE + k + 1;
		const state = trigger.enabled ? t('triggers_enabled_on') : `_${t('triggers_enabled_off')}_`;
		// A stored trigger that no longer validates (rules tightened by an update) is shown, but not used.
		const problem = trigger.enabled ? validateTrigger(trigger)[0] : undefined;
		const lines = [
			`*${n}.* ${code(clip(trigger.pattern, 200))} · ${state}`,
			`${t('triggers_replies_count', { count: trigger.responses.length })}: ${clip(trigger.responses[0] ?? '', 120)}`,
		];
		if (problem) lines.push(`⚠️ ${t('triggers_not_used', { reason: triggerErrorText(t, problem) })}`);
		blocks.push({ type: 'section', blockId: `${MODAL_PREFIX}.trigger:${trigger.id}`, text: mrkdwn(lines.join('\n')) });
		const remove = button(appId, Action.Delete, t('triggers_delete'), trigger.id, 'danger');
		remove.confirm = {
			title: plain(t('triggers_delete_confirm_title')),
			text: mrkdwn(`${code(clip(trigger.pattern, 200))}\n${t('triggers_delete_confirm_text')}`),
			confirm: plain(t('triggers_delete')),
			deny: plain(t('triggers_cancel')),
			style: 'danger',
		};
		blocks.push({
			type: 'actions',
			blockId: `${MODAL_PREFIX}.actions:${trigger.id}`,
			elements: [
				button(appId, Action.Edit, t('triggers_edit'), trigger.id),
				button(appId, Action.Toggle, trigger.enabled ? t('triggers_disable') : t('triggers_enable'), trigger.id),
				remove,
			],
		});
	});
	if (pages > 1) {
		const nav: ButtonElement[] = [];
		if (page > 0) nav.push(button(appId, Action.Page, t('triggers_previous'), String(page - 1)));
		if (page < pages - 1) nav.push(button(appId, Action.Page, t('triggers_next'), String(page + 1)));
		blocks.push({
			type: 'context',
			blockId: `${MODAL_PREFIX}.pageno`,
			elements: [mrkdwn(t('triggers_page', { page: page + 1, pages }))],
		});
		blocks.push({ type: 'actions', blockId: `${MODAL_PREFIX}.nav`, elements: nav });
	}

	blocks.push({ type: 'divider', blockId: `${MODAL_PREFIX}.bottom` });
	blocks.push({
		type: 'input',
		blockId: Field.Sample,
		optional: true,
		label: plain(t('triggers_sample_label')),
		element: {
			type: 'plain_text_input',
			appId,
			blockId: Field.Sample,
			actionId: Field.Sample,
			placeholder: plain(t('triggers_sample_placeholder')),
			...(options.sample ? { initialValue: options.sample } : {}),
		},
	});
	if (options.result) blocks.push({ type: 'section', blockId: `${MODAL_PREFIX}.result`, text: mrkdwn(options.result) });
	return {
		id: `${LIST_VIEW}${page}`,
		title: plain(t('triggers_modal_title')),
		blocks,
		submit: button(appId, `${MODAL_PREFIX}.submit`, t('triggers_test'), undefined, 'primary'),
		close: button(appId, `${MODAL_PREFIX}.close`, t('triggers_close')),
	};
}
