// The trigger editor's interactions (ui/triggers/common.ts describes the editor): every button and submit
// re-checks that the user is an admin and re-reads the set, then answers with a view.
import { IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IUIKitResponse, UIKitBlockInteractionContext, UIKitViewSubmitInteractionContext } from '@rocket.chat/apps-engine/definition/uikit';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { loadConfig } from '../../adapters/config';
import { Translate, translatorFor } from '../../adapters/i18n';
import { compileTriggerSet } from '../../core/chatbot/triggerMatcher';
import { parseResponsesText, pickReply, Trigger, TriggerError, validateTrigger } from '../../core/chatbot/triggers';
import { isAdmin } from '../../core/security/accounts';
import { triggerErrorText } from '../../features/chatbot/texts';
import { currentMatcher, loadTriggerSet, newTriggerId, saveTriggerSet, TriggerSetRecord } from '../../features/chatbot/triggerSet';
import { Action, clip, code, EDIT_VIEW, Field, LIST_VIEW, ModalView, PAGE_SIZE } from './common';
import { EditDraft, editView } from './editView';
import { ListOptions, listView } from './listView';

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
		id: index >= 0 ? set.triggers[index].id : newTriggerId(),
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
