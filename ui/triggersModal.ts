/**
 * The trigger editor (UI Kit modal opened by `/triggers`, admins only).
 *
 * - The list view shows the set a page at a time; each trigger has Edit, Enable/Disable and Delete buttons, and the
 *   view's submit button ("Test") runs the sample message typed at the bottom against the saved set: which trigger
 *   answers it and with what reply.
 * - The edit view (add or edit one trigger) takes the pattern, the replies one per line, the state, and an optional
 *   sample message: when given, the trigger is saved only if its pattern matches it, which lets an admin try a pattern
 *   before it goes live. Invalid patterns and replies are refused with the error shown on the field; nothing is saved.
 *
 * Every interaction re-checks that the user is an admin and re-reads the set (another admin or `PUT triggers` may have
 * changed it since the view was drawn); edits address triggers by id, so a stale view never edits the wrong trigger.
 * View and action ids carry the little state the views need (page, trigger id): the client sends back nothing else.
 */
import { IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IUIKitResponse, UIKitBlockInteractionContext, UIKitViewSubmitInteractionContext } from '@rocket.chat/apps-engine/definition/uikit';
import { IUser } from '@rocket.chat/apps-engine/definition/users';
import type { ButtonElement, LayoutBlock, PlainText } from '@rocket.chat/ui-kit';

import { loadConfig } from '../adapters/config';
import { currentMatcher, loadTriggerSet, newTriggerId, saveTriggerSet, TriggerSetRecord } from '../features/chatbot/triggerSet';
import { triggerErrorText } from '../features/chatbot/texts';
import { Translate, translatorFor } from '../adapters/i18n';
import { compileTriggerSet } from '../core/chatbot/triggerMatcher';
import { parseResponsesText, pickReply, Trigger, TriggerError, validateTrigger } from '../core/chatbot/triggers';

export const MODAL_PREFIX = 'ri-triggers';
const LIST_VIEW = `${MODAL_PREFIX}-list:`;
const EDIT_VIEW = `${MODAL_PREFIX}-edit:`;
export const PAGE_SIZE = 10;

/** Action ids of the buttons. */
export const Action = {
	Add: `${MODAL_PREFIX}.add`,
	Edit: `${MODAL_PREFIX}.edit`,
	Toggle: `${MODAL_PREFIX}.toggle`,
	Delete: `${MODAL_PREFIX}.delete`,
	Page: `${MODAL_PREFIX}.page`,
} as const;

/** Block and action ids of the inputs (the same string for both, so errors find their field either way). */
export const Field = { Pattern: 'pattern', Responses: 'responses', Enabled: 'enabled', Sample: 'sample' } as const;

export interface ModalView {
	id: string;
	title: PlainText;
	blocks: LayoutBlock[];
	submit?: ButtonElement;
	close?: ButtonElement;
}

export function isTriggersView(viewId: string | undefined): boolean {
	return typeof viewId === 'string' && viewId.startsWith(`${MODAL_PREFIX}-`);
}

export function isTriggersAction(actionId: string | undefined): boolean {
	return typeof actionId === 'string' && actionId.startsWith(`${MODAL_PREFIX}.`);
}

export function isAdmin(user: IUser | undefined): boolean {
	return Array.isArray(user?.roles) && user.roles.includes('admin');
}

// ---------------------------------------------------------------- views

const plain = (text: string): PlainText => ({ type: 'plain_text', text, emoji: true });
const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });
/** A pattern or reply inside a code span: backticks would end it, so they are shown as a look-alike. */
const code = (text: string): string => `\`${text.replace(/`/g, 'ˋ').replace(/\s+/g, ' ')}\``;
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function button(appId: string, actionId: string, text: string, value?: string, style?: ButtonElement['style']): ButtonElement {
	const b: ButtonElement = { type: 'button', appId, blockId: `${actionId}:${value ?? ''}`, actionId, text: plain(text) };
	if (value !== undefined) b.value = value;
	if (style) b.style = style;
	return b;
}

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

// ---------------------------------------------------------------- interactions

interface Env {
	app: IApp;
	read: IRead;
	persis: IPersistence;
	modify: IModify;
}

/** The view state the client sends on submit: `{ [blockId]: { [actionId]: value } }`. */
type ViewState = Record<string, Record<string, unknown> | undefined>;

function stateText(state: ViewState | undefined, field: string): string {
	const v = state?.[field]?.[field];
	return typeof v === 'string' ? v : '';
}

function pageOf(viewId: string): number {
	const rest = viewId.startsWith(LIST_VIEW)
		? viewId.slice(LIST_VIEW.length)
		: viewId.startsWith(EDIT_VIEW)
			? viewId.slice(EDIT_VIEW.length)
			: '';
	const n = Number(rest.split(':')[0]);
	return Number.isInteger(n) && n >= 0 ? n : 0;
}

/** The page of the list that shows the trigger at `index`. */
const pageOfIndex = (index: number): number => Math.max(0, Math.floor(index / PAGE_SIZE));

async function listResponse(env: Env, t: Translate, set: TriggerSetRecord, options: ListOptions): Promise<ModalView> {
	const { config } = await loadConfig(env.read);
	return listView(env.app.getID(), t, set, options, config.chatbot.triggers);
}

/** What the saved set does with a sample message, as a line for the list view. */
async function testSample(env: Env, t: Translate, user: IUser, sample: string): Promise<string> {
	const { matcher, set } = await currentMatcher(env.read.getPersistenceReader());
	const matches = matcher.match(sample);
	if (matches.length === 0) return t('triggers_test_none');
	const [first, ...others] = matches;
	const position = (tr: Trigger) => set.triggers.findIndex((x) => x.id === tr.id) + 1;
	const reply = pickReply(first, { username: user.username, name: user.name }, Math.random);
	const lines = [
		t('triggers_test_match', { n: position(first), pattern: code(clip(first.pattern, 200)) }),
		`> ${reply.replace(/\n/g, '\n> ')}`,
	];
	if (others.length > 0) lines.push(t('triggers_test_also', { list: others.map(position).join(', ') }));
	return lines.join('\n');
}

export async function handleTriggersBlockAction(env: Env, context: UIKitBlockInteractionContext): Promise<IUIKitResponse> {
	const data = context.getInteractionData();
	const responder = context.getInteractionResponder();
	const t = await translatorFor(env.read, data.user);
	if (!isAdmin(data.user)) return responder.errorResponse();
	const viewId = data.container?.id ?? '';
	const set = await loadTriggerSet(env.read.getPersistenceReader());
	const appId = env.app.getID();
	const index = set.triggers.findIndex((tr) => tr.id === data.value);
	const page = pageOf(viewId);

	switch (data.actionId) {
		case Action.Add:
			return responder.updateModalViewResponse(editView(appId, t, undefined, page));
		case Action.Page:
			return responder.updateModalViewResponse(await listResponse(env, t, set, { page: Number(data.value) || 0 }));
		case Action.Edit:
			if (index < 0) return responder.updateModalViewResponse(await listResponse(env, t, set, { page, notice: t('triggers_gone') }));
			return responder.updateModalViewResponse(editView(appId, t, set.triggers[index], pageOfIndex(index)));
		case Action.Toggle:
		case Action.Delete: {
			if (index < 0) return responder.updateModalViewResponse(await listResponse(env, t, set, { page, notice: t('triggers_gone') }));
			const next =
				data.actionId === Action.Delete
					? set.triggers.filter((_, i) => i !== index)
					: set.triggers.map((tr, i) => (i === index ? { ...tr, enabled: !tr.enabled } : tr));
			const saved = await saveTriggerSet(env.persis, env.read.getPersistenceReader(), next, data.user.id);
			if (!saved.ok) {
				const notice = `⚠️ ${saved.errors.map((e) => triggerErrorText(t, e)).join(' ')}`;
				return responder.updateModalViewResponse(await listResponse(env, t, set, { page, notice }));
			}
			const notice = data.actionId === Action.Delete ? t('triggers_deleted') : t('triggers_saved');
			return responder.updateModalViewResponse(await listResponse(env, t, saved.set, { page, notice }));
		}
		default:
			return responder.successResponse();
	}
}

/** Field -> message, for the view's error response. */
function fieldErrors(t: Translate, errors: readonly TriggerError[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const e of errors) {
		const field = e.code.includes('response') ? Field.Responses : Field.Pattern;
		out[field] ??= triggerErrorText(t, e);
	}
	return out;
}

export async function handleTriggersViewSubmit(env: Env, context: UIKitViewSubmitInteractionContext): Promise<IUIKitResponse> {
	const data = context.getInteractionData();
	const responder = context.getInteractionResponder();
	const t = await translatorFor(env.read, data.user);
	if (!isAdmin(data.user)) return responder.errorResponse();
	const view = data.view;
	const state = view.state as ViewState | undefined;
	const page = pageOf(view.id);

	if (view.id.startsWith(LIST_VIEW)) {
		const set = await loadTriggerSet(env.read.getPersistenceReader());
		const sample = stateText(state, Field.Sample).trim();
		const result = sample ? await testSample(env, t, data.user, sample) : undefined;
		return responder.updateModalViewResponse(await listResponse(env, t, set, { page, sample, result }));
	}
	if (!view.id.startsWith(EDIT_VIEW)) return responder.successResponse();

	const editedId = decodeURIComponent(view.id.slice(EDIT_VIEW.length).split(':').slice(1).join(':'));
	const draft: EditDraft = {
		pattern: stateText(state, Field.Pattern).trim(),
		responses: stateText(state, Field.Responses),
		enabled: stateText(state, Field.Enabled) !== 'off',
		sample: stateText(state, Field.Sample).trim(),
	};
	const set = await loadTriggerSet(env.read.getPersistenceReader());
	const index = editedId ? set.triggers.findIndex((tr) => tr.id === editedId) : -1;
	if (editedId && index < 0)
		return responder.updateModalViewResponse(await listResponse(env, t, set, { page, notice: t('triggers_gone') }));

	const trigger: Trigger = {
		id: index >= 0 ? set.triggers[index].id : newTriggerId(set.triggers.length),
		pattern: draft.pattern,
		responses: parseResponsesText(draft.responses),
		enabled: draft.enabled,
	};
	const problems = validateTrigger(trigger);
	if (problems.length > 0) return responder.viewErrorResponse({ viewId: view.id, errors: fieldErrors(t, problems) });
	if (draft.sample && !compileTriggerSet([{ ...trigger, enabled: true }]).first(draft.sample)) {
		return responder.viewErrorResponse({ viewId: view.id, errors: { [Field.Sample]: t('triggers_sample_mismatch') } });
	}

	const next = index >= 0 ? set.triggers.map((tr, i) => (i === index ? trigger : tr)) : [...set.triggers, trigger];
	const saved = await saveTriggerSet(env.persis, env.read.getPersistenceReader(), next, data.user.id);
	if (!saved.ok) return responder.viewErrorResponse({ viewId: view.id, errors: fieldErrors(t, saved.errors) });
	const at = index >= 0 ? index : next.length - 1;
	return responder.updateModalViewResponse(await listResponse(env, t, saved.set, { page: pageOfIndex(at), notice: t('triggers_saved') }));
}
