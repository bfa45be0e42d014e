import { expect } from 'chai';

import { Credentials, Harness, HttpResult } from './harness';

interface View {
	id: string;
	title: { text: string };
	blocks: Array<Record<string, unknown>>;
}
interface UiResult {
	success?: boolean;
	type?: string;
	view?: View;
	viewId?: string;
	errors?: Record<string, string>;
}

/** Every text of a view, flattened (sections, contexts, buttons, inputs), to assert on what an admin sees. */
function textsOf(view: View | undefined): string {
	return JSON.stringify(view?.blocks ?? []);
}

/** The trigger ids of the list view, in display order (the Edit buttons carry them). */
function triggerIds(view: View | undefined): string[] {
	const ids: string[] = [];
	for (const b of view?.blocks ?? []) {
		for (const e of (b.elements as Array<{ actionId?: string; value?: string }> | undefined) ?? []) {
			if (e.actionId === 'ri-triggers.edit' && e.value) ids.push(e.value);
		}
	}
	return ids;
}

/**
 * One story, in order: the fresh install's trigger, then the sets saved by `PUT triggers` (their versions
 * count up) that the modal tests manage afterwards.
 */
describe('chatbot: triggers in the sandbox (two server instances)', function () {
	this.timeout(60_000);
	let h: Harness;
	let roomId: string;
	let bob: { userId: string; username: string; creds: Credentials };
	let botUsername: string;

	before(async () => {
		h = await Harness.start({ instances: 2 });
		bob = await h.createUser('bob', { name: 'Bob Stone' });
		roomId = h.createRoom('team', ['bob', 'admin']);
		botUsername = [...h.world.users.values()].find((u) => u.type === 'app')?.username ?? '';
	});
	after(async () => {
		await h?.stop();
	});

	const botTexts = () =>
		h
			.messages(roomId)
			.filter((m) => m.username === botUsername)
			.map((m) => m.text);
	const notices = (userId: string) => h.world.ephemeral.filter((e) => e.userId === userId).map((e) => e.text);
	/** Posts on one server instance and waits until the listeners it started are done. */
	const postOn = async (instance: number, text: string, as: Credentials = bob.creds, extra: Record<string, unknown> = {}) => {
		const res = await h.http<{ message: { _id: string } }>('POST', '/api/v1/chat.postMessage', {
			headers: { 'X-User-Id': as.userId, 'X-Auth-Token': as.authToken, 'X-Sandbox-Instance': String(instance) },
			body: { roomId, text, ...extra },
		});
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		await h.sandbox.quiesce();
		return res.body.message._id;
	};
	const ui = async (body: Record<string, unknown>, as: Credentials = h.admin): Promise<HttpResult<UiResult>> =>
		h.http<UiResult>('POST', `/api/apps/ui.interaction/${h.appId}`, {
			headers: { 'X-User-Id': as.userId, 'X-Auth-Token': as.authToken },
			body: { triggerId: `t-${Date.now()}`, ...body },
		});
	const click = (viewId: string, actionId: string, value?: string, as?: Credentials) =>
		ui(
			{
				type: 'blockAction',
				actionId,
				payload: { blockId: `${actionId}:${value ?? ''}`, value },
				container: { type: 'view', id: viewId },
			},
			as,
		);
	const submit = (view: View, state: Record<string, string>, as?: Credentials) =>
		ui(
			{
				type: 'viewSubmit',
				payload: { view: { ...view, state: Object.fromEntries(Object.entries(state).map(([k, v]) => [k, { [k]: v }])) } },
			},
			as,
		);

	it('answers "Bot Test" on a fresh install, in the room and in threads, with the sender\'s name', async () => {
		await postOn(1, 'Bot Test!');
		expect(botTexts()).to.deep.equal(['Hello Bob Stone, I am alive and listening. 🤖']);
		const root = await postOn(2, 'a thread');
		await postOn(2, 'bot test', bob.creds, { tmid: root });
		const reply = [...h.world.messages.values()].filter((m) => m.u.username === botUsername).at(-1);
		expect(reply?.tmid).to.equal(root);
		expect(reply?.alias).to.equal('Rocket Integration');
	});

	it('does not answer other messages, bots, or when triggers are turned off', async () => {
		const before = botTexts().length;
		await postOn(1, 'this bot test is flaky');
		const robot = h.world.createUser({
			username: 'ci.robot',
			name: 'CI',
			email: 'ci@example.org',
			password: 'pw-ci-robot-1234',
			type: 'bot',
			verified: true,
		});
		h.world.addMember(roomId, robot._id);
		await postOn(2, 'bot test', { userId: robot._id, authToken: h.world.createLoginToken(robot._id) });
		await h.sandbox.configureApp({ bot_triggers_enabled: false });
		try {
			await postOn(1, 'bot test');
		} finally {
			await h.sandbox.configureApp({ bot_triggers_enabled: true });
		}
		expect(botTexts()).to.have.length(before);
	});

	it('replaces the set with PUT triggers; an invalid set is refused with the indexes and changes nothing', async () => {
		const refused = await h.app<{ error: string; details: Array<{ field: string; message: string }> }>('PUT', 'triggers', {
			triggers: [
				{ pattern: '\\bdeploy\\b', responses: ['ok'] },
				{ pattern: '(unclosed', responses: ['x'] },
				{ pattern: '(a)\\1', responses: ['y'] },
				{ pattern: 'a*', responses: ['z'] },
			],
		});
		expect(refused.status).to.equal(400);
		expect(refused.body.error).to.equal('invalid-request');
		expect(refused.body.details.map((d) => d.field)).to.deep.equal(['triggers.1.pattern', 'triggers.2.pattern', 'triggers.3.pattern']);
		expect(refused.body.details[1].message).to.match(/Backreferences/);
		const schema = await h.app('PUT', 'triggers', { triggers: [{ pattern: 'x' }] });
		expect(schema.status).to.equal(400);
		const current = await h.app<{ version: number; triggers: Array<{ id: string }> }>('GET', 'triggers');
		expect(current.body.version).to.equal(0);
		expect(current.body.triggers.map((t) => t.id)).to.deep.equal(['bot-test']);

		// Saved through instance 1, seen by instance 2 on its next message (and the other way round).
		const saved = await h.app<{ count: number; version: number }>(
			'PUT',
			'triggers',
			{
				triggers: [
					{ pattern: '\\b(deploy|release)\\b', responses: ['Deploys happen on Fridays, {name}.'] },
					{ pattern: 'lunch', responses: ['🍕'], enabled: false },
					{ pattern: '(a+)+$', responses: ['only a'] },
					{ pattern: 'thanks bot', responses: ['@{username} ++ right back'] },
				],
			},
			{ instance: 1 },
		);
		expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
		expect(saved.body).to.deep.equal({ count: 4, version: 1 });
		const before = botTexts().length;
		await postOn(2, 'when is the next release?');
		expect(botTexts().slice(before)).to.deep.equal(['Deploys happen on Fridays, Bob Stone.']);
		await postOn(2, 'bot test');
		await postOn(1, 'lunch?');
		expect(botTexts()).to.have.length(before + 1);

		await h.app('PUT', 'triggers', { triggers: [{ pattern: 'lunch', responses: ['🍕'] }] }, { instance: 2 });
		await postOn(1, 'lunch?');
		expect(botTexts().at(-1)).to.equal('🍕');
		// The set the next tests work with.
		const next = await h.app('PUT', 'triggers', {
			triggers: [
				{ pattern: '\\b(deploy|release)\\b', responses: ['Deploys happen on Fridays, {name}.'] },
				{ pattern: '(a+)+$', responses: ['only a'] },
				{ pattern: 'thanks bot', responses: ['@{username} ++ right back'] },
			],
		});
		expect(next.body).to.deep.equal({ count: 3, version: 3 });
	});

	it('keeps the hostile (a+)+$ harmless: no answer to 30 a and a !, on either instance; an answer to a', async () => {
		// The reactor's time on this message (under 1 ms; a backtracking engine would need minutes) is measured by
		// bench/chatbot-shell.bench.ts. Here: every message went through the listener, and none was answered.
		const before = botTexts().length;
		const listenerRuns = () =>
			(h.world.appLogs as Array<{ method?: string }>).filter((e) => e.method === 'app:executePostMessageSent').length;
		const runs = listenerRuns();
		for (let i = 0; i < 6; i++) await postOn((i % 2) + 1, `${'a'.repeat(30)}!`);
		expect(listenerRuns() - runs, 'one listener run per message').to.equal(6);
		expect(botTexts()).to.have.length(before);
		await postOn(2, 'aaaa');
		expect(botTexts().at(-1)).to.equal('only a');
	});

	it("ignores the bot's own replies: a reply with points in it gives none and triggers nothing", async () => {
		const before = botTexts().length;
		await postOn(1, 'thanks bot');
		await h.waitFor(() => botTexts().length === before + 1, 'the reply');
		expect(botTexts().at(-1)).to.equal('@bob ++ right back');
		// The reply went through the listeners too (the engine logs each call); wait for that, then check nothing came of it.
		const botMessage = [...h.world.messages.values()].filter((m) => m.u.username === botUsername).at(-1);
		await h.sandbox.primary().engine.messageEvent('sent', botMessage?._id ?? '');
		await h.sandbox.instances[1].engine.messageEvent('sent', botMessage?._id ?? '');
		expect(botTexts()).to.have.length(before + 1);
		const points = await h.app<{ total: number }>('GET', 'points');
		expect(points.body.total).to.equal(0);
	});

	it('refuses /triggers to a non-admin and lists the set as text when there is no interaction id', async () => {
		await h.command(roomId, 'triggers', '', bob.creds);
		await h.waitFor(() => notices(bob.userId).includes("Only administrators can manage the chatbot's triggers."), 'the refusal');
		await h.command(roomId, 'triggers', 'list');
		const list = await h.waitFor(() => notices(h.admin.userId).find((t) => t.startsWith('*Chat triggers')), 'the list');
		expect(list.split('\n')).to.deep.equal([
			'*Chat triggers (3)*',
			'1. `\\b(deploy|release)\\b`: Deploys happen on Fridays, {name}.',
			'2. `(a+)+$`: only a',
			'3. `thanks bot`: @{username} ++ right back',
		]);
		expect(h.world.uiNotices).to.have.length(0);
	});

	it('manages triggers in the modal: add, refuse invalid patterns, edit, disable, test, delete', async () => {
		const res = await h.rest('POST', 'commands.run', { command: 'triggers', params: '', roomId, triggerId: 'open-1' });
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		const opened = await h.waitFor(() => h.world.uiNotices.find((n) => n.userId === h.admin.userId), 'the modal');
		const open = opened.interaction as { type: string; triggerId: string; view: View };
		expect(open.type).to.equal('modal.open');
		expect(open.triggerId).to.equal('open-1');
		expect(open.view.title.text).to.equal('Chat triggers');
		expect(triggerIds(open.view)).to.have.length(3);

		// A non-admin cannot drive it, even by posting interactions directly.
		const intruder = await click(open.view.id, 'ri-triggers.add', 'new', bob.creds);
		expect(intruder.body.success).to.equal(false);

		// Add: the form, then refused patterns with the error on the field.
		const form = (await click(open.view.id, 'ri-triggers.add', 'new')).body;
		expect(form.type).to.equal('modal.update');
		expect(form.view?.title.text).to.equal('New trigger');
		const edit = form.view as View;
		for (const [pattern, message] of [
			['(unclosed', /^Invalid pattern \(missing closing \)/],
			['(a)\\1', /^Backreferences such as \\1 are not supported/],
			['(?=x)y', /^Lookahead and lookbehind/],
			['x*', /^The pattern can match an empty message/],
		] as const) {
			const refused = (await submit(edit, { pattern, responses: 'hi', enabled: 'on' })).body;
			expect(refused.type, pattern).to.equal('errors');
			expect(refused.errors?.pattern, pattern).to.match(message);
		}
		const noReply = (await submit(edit, { pattern: 'standup', responses: '  \n ', enabled: 'on' })).body;
		expect(noReply.errors?.responses).to.equal('Give at least one reply (one per line).');
		const mismatch = (await submit(edit, { pattern: '\\bstandup\\b', responses: 'At 9:30', enabled: 'on', sample: 'stand up now' }))
			.body;
		expect(mismatch.errors?.sample).to.equal('The pattern does not match this sample message, so the trigger was not saved.');
		expect((await h.app<{ version: number }>('GET', 'triggers')).body.version).to.equal(3);

		const added = (
			await submit(edit, {
				pattern: '\\bstandup\\b',
				responses: 'At 9:30, {name}.\nIn the big room.',
				enabled: 'on',
				sample: 'when is standup?',
			})
		).body;
		expect(added.type).to.equal('modal.update');
		expect(textsOf(added.view)).to.include('Trigger saved.');
		const ids = triggerIds(added.view);
		expect(ids).to.have.length(4);
		await postOn(2, 'Standup today?');
		expect(['At 9:30, Bob Stone.', 'In the big room.']).to.include(botTexts().at(-1));

		// Edit: the form is filled in; a save replaces that trigger only.
		const editForm = (await click(added.view?.id ?? '', 'ri-triggers.edit', ids[3])).body.view as View;
		expect(editForm.title.text).to.equal('Edit trigger');
		expect(textsOf(editForm)).to.include('\\\\bstandup\\\\b');
		const edited = (await submit(editForm, { pattern: '\\bstand-?up\\b', responses: 'At 9:45.', enabled: 'on' })).body;
		expect(triggerIds(edited.view)).to.deep.equal(ids);
		await postOn(1, 'stand-up?');
		expect(botTexts().at(-1)).to.equal('At 9:45.');

		// Disable: no answer on either instance; enable again.
		const disabled = (await click(edited.view?.id ?? '', 'ri-triggers.toggle', ids[3])).body;
		expect(textsOf(disabled.view)).to.include('_Disabled_');
		const count = botTexts().length;
		await postOn(1, 'standup?');
		await postOn(2, 'standup?');
		expect(botTexts()).to.have.length(count);
		const enabled = (await click(disabled.view?.id ?? '', 'ri-triggers.toggle', ids[3])).body;
		expect(textsOf(enabled.view)).to.not.include('_Disabled_');

		// Test a sample against the saved set from the list view.
		const tested = (await submit(enabled.view as View, { sample: 'release the standup notes' })).body;
		expect(tested.type).to.equal('modal.update');
		expect(textsOf(tested.view)).to.include('Trigger 1 (`\\\\b(deploy|release)\\\\b`) answers this message, for example:');
		expect(textsOf(tested.view)).to.include('Also matching, but not used because an earlier trigger answers: 4');
		const none = (await submit(tested.view as View, { sample: 'nothing to see' })).body;
		expect(textsOf(none.view)).to.include('No trigger answers this message.');

		// Delete; a stale view that still shows the trigger gets a clear notice instead of editing another one.
		const deleted = (await click(none.view?.id ?? '', 'ri-triggers.delete', ids[3])).body;
		expect(textsOf(deleted.view)).to.include('Trigger deleted.');
		expect(triggerIds(deleted.view)).to.deep.equal(ids.slice(0, 3));
		const stale = (await click(enabled.view?.id ?? '', 'ri-triggers.edit', ids[3])).body;
		expect(textsOf(stale.view)).to.include('That trigger no longer exists');
		const staleSave = (await submit(editForm, { pattern: 'x+', responses: 'y', enabled: 'on' })).body;
		expect(textsOf(staleSave.view)).to.include('That trigger no longer exists');
		expect((await h.app<{ triggers: unknown[] }>('GET', 'triggers')).body.triggers).to.have.length(3);
	});

	it('pages through a large set in the modal', async () => {
		const triggers = Array.from({ length: 23 }, (_, i) => ({ pattern: `\\bword${i}\\b`, responses: [`reply ${i}`] }));
		expect((await h.app('PUT', 'triggers', { triggers })).status).to.equal(200);
		await h.rest('POST', 'commands.run', { command: 'triggers', params: '', roomId, triggerId: 'open-2' });
		const opened = await h.waitFor(
			() => h.world.uiNotices.find((n) => (n.interaction as { triggerId?: string }).triggerId === 'open-2'),
			'the modal',
		);
		const first = (opened.interaction as { view: View }).view;
		expect(triggerIds(first)).to.have.length(10);
		expect(textsOf(first)).to.include('Page 1 of 3');
		const last = (await click(first.id, 'ri-triggers.page', '2')).body.view as View;
		expect(triggerIds(last)).to.have.length(3);
		expect(textsOf(last)).to.include('Page 3 of 3');
		expect(textsOf(last)).to.include('*21.*');
		// Editing a trigger of the last page comes back to that page.
		const form = (await click(last.id, 'ri-triggers.edit', triggerIds(last)[2])).body.view as View;
		const saved = (await submit(form, { pattern: '\\bword22\\b', responses: 'changed', enabled: 'off' })).body.view as View;
		expect(saved.id).to.equal(last.id);
		expect(textsOf(saved)).to.include('*23.*');
		await postOn(2, 'word22');
		expect(botTexts().at(-1)).to.not.equal('changed');
		await postOn(1, 'word21');
		expect(botTexts().at(-1)).to.equal('reply 21');
	});
});
