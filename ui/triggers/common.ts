/**
 * The trigger editor (UI Kit modal opened by `/triggers`, admins only): its ids and the pieces its views share.
 * The views are listView.ts and editView.ts; actions.ts answers their buttons and submits (routed by ui/routes.ts).
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
import type { ButtonElement, LayoutBlock, PlainText } from '@rocket.chat/ui-kit';

export const MODAL_PREFIX = 'ri-triggers';
export const LIST_VIEW = `${MODAL_PREFIX}-list:`;
export const EDIT_VIEW = `${MODAL_PREFIX}-edit:`;
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

/** UI Kit text pieces. */
export const plain = (text: string): PlainText => ({ type: 'plain_text', text, emoji: true });
export const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });
/** A pattern or reply inside a code span: backticks would end it, so they are shown as a look-alike. */
export const code = (text: string): string => `\`${text.replace(/`/g, 'ˋ').replace(/\s+/g, ' ')}\``;
export const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function button(appId: string, actionId: string, text: string, value?: string, style?: ButtonElement['style']): ButtonElement {
	const b: ButtonElement = { type: 'button', appId, blockId: `${actionId}:${value ?? ''}`, actionId, text: plain(text) };
	if (value !== undefined) b.value = value;
	if (style) b.style = style;
	return b;
}
