import { expect } from 'chai';
import { isModalView } from 'ui-kit-1.0.0/dist/surfaces/modal/ModalView.js';

import { Credentials, Harness, HttpResult } from './harness';
import { HistoryReceiver } from './history-receiver';
import { drainJobs, Org, orgPerson, picture, status } from './sync-support';
import { DeadLetter, OutboxRecord } from '../../core/history/types';

const KEY = 'history-outbound-key-0123456789abcdef';

interface View {
	id: string;
	appId?: string;
	title: { text: string };
	blocks: Array<Record<string, unknown>>;
	submit?: Record<string, unknown>;
}
interface UiResult {
	success?: boolean;
	type?: string;
	view?: View;
}

/** 12 people in two groups of six, each with a leader. */
function org(): Org {
	const people = Array.from({ length: 12 }, (_, i) => orgPerson(i));
	const group = (name: string, from: number) => ({
		name,
		members: Array.from({ length: 6 }, (_, k) => ({ externalId: `p${from + k}`, ...(k === 0 ? { role: 'leader' as const } : {}) })),
	});
	return { people, groups: { a: group('Alpha', 0), b: group('Beta', 6) } };
}

const textOf = (view: View | undefined) => JSON.stringify(view?.blocks ?? []);

/** Every view the app draws must be a UI Kit modal view as Rocket.Chat's own schema defines it. */
function expectValidModal(view: View | undefined, appId: string): View {
	expect(view, 'a view').to.not.equal(undefined);
	const v = view as View;
	expect(isModalView({ appId, ...v }), `UI Kit modal schema: ${JSON.stringify(v).slice(0, 400)}`).to.equal(true);
	return v;
}

/** Value of the button with `actionId` in a view, or undefined. */
function buttonValue(view: View | undefined, actionId: string): string | undefined {
	for (const b of view?.blocks ?? []) {
		for (const e of (b.elements as Array<{ actionId?: string; value?: string }> | undefined) ?? [])
			if (e.actionId === actionId) return e.value;
	}
	return undefined;
}

describe('admin panel: UI Kit interactions in the sandbox', function () {
	this.timeout(180_000);
	let h: Harness;
	let roomId: string;
	let bob: { userId: string; username: string; creds: Credentials };
	const rx = new HistoryReceiver();

	before(async () => {
		await rx.start();
		h = await Harness.start({
			settings: {
				history_enabled: true,
				history_all_rooms: true,
				history_url: rx.url,
				api_outbound_key: KEY,
				history_max_attempts: 2,
				history_batch_size: 50,
			},
		});
		bob = await h.createUser('bob.panel', { name: 'Bob Panel' });
		roomId = h.createRoom('admins', ['admin', 'bob.panel']);
		expect((await h.app('POST', 'snapshot', org())).status).to.equal(202);
		await drainJobs(h);
		expect(Object.keys(picture(h).rooms)).to.include.members(['alpha', 'beta']);
	});
	after(async () => {
		await h?.stop();
		await rx.stop();
	});

	const ui = (body: Record<string, unknown>, as: Credentials = h.admin): Promise<HttpResult<UiResult>> =>
		h.http<UiResult>('POST', `/api/apps/ui.interaction/${h.appId}`, {
			headers: { 'X-User-Id': as.userId, 'X-Auth-Token': as.authToken },
			body: { triggerId: `t-${Date.now()}`, rid: roomId, ...body },
		});
	const click = async (viewId: string, actionId: string, value?: string, as?: Credentials) =>
		ui(
			{
				type: 'blockAction',
				actionId,
				payload: { blockId: `${actionId}:${value ?? ''}`, value },
				container: { type: 'view', id: viewId },
			},
			as,
		);
	const submit = (view: View, as?: Credentials) => ui({ type: 'viewSubmit', payload: { view: { ...view, state: {} } } }, as);
	/** Clicks and expects the panel updated in place with a valid view. */
	const go = async (viewId: string, actionId: string, value?: string): Promise<View> => {
		const res = await click(viewId, actionId, value);
		expect(res.status).to.equal(200);
		expect(res.body.type, JSON.stringify(res.body).slice(0, 300)).to.equal('modal.update');
		return expectValidModal(res.body.view, h.appId);
	};
	const notices = (userId: string) => h.world.ephemeral.filter((e) => e.userId === userId).map((e) => e.text ?? '');

	it('opens from /integration with no argument and from the action button, for admins only', async () => {
		const res = await h.rest('POST', 'commands.run', { command: 'integration', params: '', roomId, triggerId: 'open-panel-1' });
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		const opened = await h.waitFor(() => h.world.uiNotices.find((n) => n.userId === h.admin.userId), 'the panel');
		const open = opened.interaction as { type: string; triggerId: string; view: View };
		expect(open.type).to.equal('modal.open');
		expect(open.triggerId).to.equal('open-panel-1');
		const view = expectValidModal(open.view, h.appId);
		expect(view.id).to.equal('ri-admin:overview');
		expect(view.title.text).to.equal('Integration');
		const text = textOf(view);
		expect(text).to.include('Health');
		expect(text).to.include('Settings are complete.');
		expect(text).to.include('REST API');
		expect(text).to.match(/Last run: .*finished/);
		expect(text).to.include('No pending plan.');
		expect(text).to.include('Outbox: empty.');

		// The room-header button opens the same panel.
		const button = await ui({ type: 'actionButton', actionId: 'ri-admin.open', payload: { context: 'roomAction' } });
		expect(button.body.type).to.equal('modal.open');
		expect(expectValidModal(button.body.view, h.appId).id).to.equal('ri-admin:overview');

		// A non-admin gets no panel from the command, the button or a crafted interaction.
		const before = h.world.uiNotices.length;
		await h.command(roomId, 'integration', '', bob.creds);
		await h.waitFor(() => notices(bob.userId).find((t) => t.includes('Only administrators')), 'the refusal');
		expect(h.world.uiNotices.slice(before).filter((n) => n.userId === bob.userId)).to.have.length(0);
		expect(
			(await ui({ type: 'actionButton', actionId: 'ri-admin.open', payload: { context: 'roomAction' } }, bob.creds)).body.success,
		).to.equal(false);
		for (const [action, value] of [
			['ri-admin.tab', 'plan'],
			['ri-admin.sync-now', undefined],
			['ri-admin.retry', 'retry'],
		] as const)
			expect((await click('ri-admin:overview', action, value, bob.creds)).body.success, action).to.equal(false);
	});

	it('shows a halted plan by name, paged, and confirms exactly the plan shown', async () => {
		await h.sandbox.configureApp({ sync_safety_limit_percent: 0 });
		try {
			const o = org();
			// Two people leave Beta: the valve halts the removal.
			const beta = { ...o.groups.b, members: o.groups.b.members.filter((m) => m.externalId !== 'p10' && m.externalId !== 'p11') };
			expect((await h.app('PUT', 'groups/b', beta)).status).to.equal(202);
			await drainJobs(h);
			const halted = (await status(h)).sync.halted;
			if (!halted) throw new Error('the sync should be halted');
			const betaBefore = (picture(h).rooms.beta as { members: string[] }).members.length;
			const leaving = [orgPerson(10), orgPerson(11)].map((p) => `${p.firstName} ${p.lastName}`);

			// The log names them; GET status pages the plan by name.
			const logged = [...h.world.persistence.values()]
				.map((r) => r.data as { event?: string; message?: string })
				.find((d) => d.event === 'sync-halted');
			for (const name of leaving) expect(logged?.message).to.include(name);
			const s1 = await h.app<{
				pendingPlan: {
					fingerprint: string;
					total: number;
					byKind: Record<string, number>;
					offset: number;
					count: number;
					items: Array<{ kind: string; who: string; target?: string }>;
				};
			}>('GET', 'status?offset=2&count=1');
			expect(s1.status).to.equal(200);
			const pending = s1.body.pendingPlan;
			expect(pending.fingerprint).to.equal(halted.fingerprint);
			// Both leave Beta, and, in no group any more, their accounts are deactivated (the default): four changes.
			expect(pending.total).to.equal(4);
			expect(pending.byKind).to.deep.equal({ removeMember: 2, deactivateUser: 2 });
			expect([pending.offset, pending.count, pending.items.length]).to.deep.equal([2, 1, 1]);
			expect(pending.items[0]).to.include({ kind: 'removeMember', target: 'beta' });
			expect(leaving).to.include(pending.items[0].who);
			expect((await h.app('GET', 'status?count=0x')).status).to.equal(400);

			// The panel's plan tab: by name, a page at a time, with Confirm bound to the fingerprint.
			const plan = await go('ri-admin:overview', 'ri-admin.tab', 'plan');
			for (const name of leaving) expect(textOf(plan)).to.include(name);
			expect(textOf(plan)).to.include('Remove from room');
			expect(textOf(plan)).to.include('Deactivate');
			expect(buttonValue(plan, 'ri-admin.confirm')).to.equal(halted.fingerprint);

			// A confirm button drawn for another plan opens nothing: the plan is shown again.
			const stale = await go(plan.id, 'ri-admin.confirm', 'ffffffffffff');
			expect(stale.id).to.equal('ri-admin:plan');
			expect(textOf(stale)).to.include('The plan changed since it was shown');

			// The confirm modal shows who would lose access, then confirms that plan only.
			const modal = await go(plan.id, 'ri-admin.confirm', halted.fingerprint);
			expect(modal.id).to.equal(`ri-admin-confirm:${halted.fingerprint}`);
			for (const name of leaving) expect(textOf(modal)).to.include(name);
			expect(textOf(modal)).to.include('Who would lose access');
			expect((await submit(modal, bob.creds)).body.success, 'a non-admin cannot confirm').to.equal(false);
			expect((await status(h)).sync.halted?.fingerprint).to.equal(halted.fingerprint);
			const done = await submit(modal);
			expect(done.body.type).to.equal('modal.update');
			const after = expectValidModal(done.body.view, h.appId);
			expect(textOf(after)).to.include(`Plan ${halted.fingerprint} confirmed`);
			await drainJobs(h);
			expect((picture(h).rooms.beta as { members: string[] }).members).to.have.length(betaBefore - 2);
			expect((await status(h)).sync.halted).to.equal(null);
			const s2 = await h.app<{ pendingPlan: unknown }>('GET', 'status');
			expect(s2.body.pendingPlan).to.equal(null);
		} finally {
			await h.sandbox.configureApp({ sync_safety_limit_percent: 20 });
		}
	});

	it('runs a dry run from the panel, filters the log by kind, and checks the setup', async () => {
		const o = org();
		expect((await h.app('PUT', 'people/p3', { ...o.people[3], firstName: 'Daria' })).status).to.equal(202);
		const dry = await go('ri-admin:plan', 'ri-admin.dry-run');
		expect(textOf(dry), textOf(dry)).to.match(/Dry run: 1 change\(s\) planned, nothing written/);
		expect(textOf(dry)).to.include('Update profile');
		expect(textOf(dry)).to.include('Daria');
		expect(buttonValue(dry, 'ri-admin.confirm'), 'a dry run is not confirmed').to.equal(undefined);

		const errors = await go(dry.id, 'ri-admin.log-kind', 'errors');
		expect(textOf(errors)).to.include('No entries of this kind.');
		const sync = await go(errors.id, 'ri-admin.log-kind', 'sync');
		expect(textOf(sync)).to.include('sync-confirmed');
		expect(textOf(sync)).to.include('sync-halted');
		expect(textOf(sync)).to.not.include('account-');

		const setup = await go(sync.id, 'ri-admin.tab', 'setup');
		const text = textOf(setup);
		expect(text, text).to.include('Iframe login is off');
		expect(text).to.include('/admin/settings/Accounts');
		expect(text).to.include('`Accounts_iframe_enabled: false → true`');
		expect(text).to.include('Site URL is');
	});

	it('retries dead letters from the History tab', async () => {
		const room = h.createRoom('history-panel', ['admin'], 'c');
		rx.plan = () => 500;
		for (let i = 0; i < 5; i++) await h.post(room, `doomed ${i}`);
		await h.sandbox.quiesce();
		// Counted by their own room: the outbox also holds earlier tests' events and the marks of their deliveries,
		// and the receiver what those deliveries brought.
		const doomedEvents = () =>
			(h.world.persistenceReadByAssociations(h.appId, [{ model: 'misc', id: 'ri:history-outbox' }]) as OutboxRecord[]).filter(
				(r) => r.type === 'event' && r.entry.roomId === room,
			).length;
		await h.waitFor(() => doomedEvents() === 5, 'the five messages in the outbox');
		let clock = Date.now();
		const deadLetters = () =>
			h.world.persistenceReadByAssociations(h.appId, [{ model: 'misc', id: 'ri:history-dead' }]) as DeadLetter[];
		const deadMessages = () => deadLetters().reduce((n, d) => n + d.events.filter((e) => e.entry.roomId === room).length, 0);
		// All five fail until set aside, in one batch or more: a delivery takes only messages older than the settle
		// window (2 s of real time, whatever the jobs' clock), so the first batch may hold only the first few.
		await h.waitFor(
			async () => {
				clock = Math.max(clock, Date.now()) + 3_600_000;
				await h.runDueJobs(clock);
				return deadMessages() === 5;
			},
			'the five messages set aside',
			60_000,
		);
		const batches = deadLetters().length;
		const history = await go('ri-admin:overview', 'ri-admin.tab', 'history');
		expect(textOf(history), textOf(history)).to.match(new RegExp(`dead letters\\): ${batches} \\(5 messages\\)`));
		expect(buttonValue(history, 'ri-admin.retry')).to.equal('retry');
		rx.plan = () => 'ok';
		const retried = await go(history.id, 'ri-admin.retry', 'retry');
		expect(textOf(retried)).to.include(`5 messages from ${batches} undeliverable batches are back in the outbox`);
		expect(textOf(retried)).to.include('(dead letters): none.');
		expect(deadLetters()).to.have.length(0);
		const delivered = () => new Set(rx.entries.filter((e) => e.roomId === room).map((e) => e.text));
		await h.waitFor(
			async () => {
				clock += 3_600_000;
				await h.runDueJobs(clock);
				return delivered().size === 5;
			},
			'the retried messages',
			60_000,
		);
		expect([...delivered()].sort()).to.deep.equal(['doomed 0', 'doomed 1', 'doomed 2', 'doomed 3', 'doomed 4']);
	});
});
