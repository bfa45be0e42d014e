import { expect } from 'chai';

import { Credentials, Harness } from './harness';

type Element = { type: string; actionId?: string; blockId?: string; value?: string };

/**
 * `/integration deactivate-idle <days> [role] [confirm]`: the count first with a button, or at once with a
 * typed `confirm`; only administrators, whether they type the command or press the button (the button's
 * value comes from the client, so anyone can post it). Each test starts from the same accounts: three idle
 * for 90 days (one of them a Helper), everyone else active recently.
 */
describe('sync: /integration deactivate-idle, its role argument, the typed confirm and the admin-only button', function () {
	this.timeout(60_000);
	let h: Harness;
	let room: string;
	let bob: { userId: string; creds: Credentials };
	const idleNames = ['idle.one', 'idle.two', 'idle.helper'];
	const idleIds: Record<string, string> = {};

	before(async () => {
		h = await Harness.start();
		h.world.createRole('Helpers');
		bob = await h.createUser('bob.member');
		for (const name of idleNames)
			idleIds[name] = (await h.createUser(name, { roles: name === 'idle.helper' ? ['user', 'Helpers'] : ['user'] })).userId;
		room = h.createRoom('admin-lobby', ['admin', 'bob.member']);
	});
	after(async () => {
		await h?.stop();
	});
	beforeEach(() => {
		const old = new Date(Date.now() - 90 * 86_400_000);
		for (const u of h.world.users.values()) {
			if (u.type !== 'user') continue;
			if (!u.active) h.world.setActive(u._id, true);
			const idle = idleNames.includes(u.username);
			u.lastLogin = idle ? old : new Date();
			if (idle) u.createdAt = old;
		}
	});

	const notices = (userId = h.admin.userId) => h.world.ephemeral.filter((e) => e.userId === userId);
	const active = () => Object.fromEntries(idleNames.map((n) => [n, h.world.findUserById(idleIds[n])?.active]));
	const deactivateCalls = () => h.world.restCalls.get('/api/v1/users.deactivateIdle') ?? 0;
	const command = async (params: string, reply: RegExp, as: Credentials = h.admin) => {
		const userId = as.userId;
		const before = notices(userId).length;
		await h.command(room, 'integration', params, as);
		return h.waitFor(
			() =>
				notices(userId)
					.slice(before)
					.find((n) => reply.test(n.text ?? '')),
			`a reply to "${params}" matching ${reply}`,
		);
	};
	const press = (button: Element, as: Credentials) =>
		h.http('POST', `/api/apps/ui.interaction/${h.appId}`, {
			headers: { 'X-User-Id': as.userId, 'X-Auth-Token': as.authToken },
			body: {
				type: 'blockAction',
				actionId: button.actionId,
				payload: { blockId: button.blockId, value: button.value },
				rid: room,
				container: { type: 'message', id: 'x' },
			},
		});
	const buttonOf = (notice: { blocks?: unknown }): Element => {
		const blocks = (notice.blocks ?? []) as Array<{ elements?: Element[] }>;
		const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.type === 'button');
		if (!button) throw new Error('no button in the notice');
		return button;
	};

	it('refuses the button to a non-admin, even with the value an admin got, and deactivates nothing', async () => {
		const form = await command('deactivate-idle 30', /^3 active accounts have not logged in for 30 days/);
		const button = buttonOf(form);
		expect(button.actionId).to.equal('ri-sync.deactivate-idle');
		const calls = deactivateCalls();
		const before = notices(bob.userId).length;
		const res = await press(button, bob.creds);
		expect(res.status).to.equal(200);
		const refusal = await h.waitFor(() => notices(bob.userId).slice(before)[0], 'the refusal');
		expect(refusal.text).to.equal('Only administrators can use /integration.');
		// Typed, too.
		await command('deactivate-idle 30 confirm', /^Only administrators can use \/integration\.$/, bob.creds);
		expect(deactivateCalls()).to.equal(calls);
		expect(active()).to.deep.equal({ 'idle.one': true, 'idle.two': true, 'idle.helper': true });
	});

	it('counts and deactivates only the idle holders of the role given', async () => {
		const form = await command('deactivate-idle 30 Helpers', /with the role Helpers/);
		expect(form.text).to.match(
			/^1 active accounts with the role Helpers have not logged in for 30 days\. Nothing has been changed yet\./,
		);
		expect(form.text).to.include('/integration deactivate-idle 30 Helpers confirm');
		expect(active(), 'nothing changed by the count').to.deep.equal({ 'idle.one': true, 'idle.two': true, 'idle.helper': true });
		const before = notices().length;
		expect((await press(buttonOf(form), h.admin)).status).to.equal(200);
		await h.waitFor(
			() =>
				notices()
					.slice(before)
					.find((n) => n.text === '1 accounts deactivated.'),
			'the deactivation reply',
		);
		expect(active()).to.deep.equal({ 'idle.one': true, 'idle.two': true, 'idle.helper': false });
	});

	it('deactivates at once with a typed confirm, without a count or a button', async () => {
		const calls = deactivateCalls();
		await command('deactivate-idle 30 confirm', /^3 accounts deactivated\.$/);
		expect(deactivateCalls() - calls).to.equal(1);
		expect(active()).to.deep.equal({ 'idle.one': false, 'idle.two': false, 'idle.helper': false });
		// Nobody else: the admin and the member who logged in recently are still active.
		expect(h.world.findUserById(bob.userId)?.active).to.equal(true);
		expect(h.world.findUserById(h.admin.userId)?.active).to.equal(true);
	});

	it('says so when nobody is idle, and refuses bad arguments, changing nothing', async () => {
		await command('deactivate-idle 365', /^No active account has been idle for 365 days\.$/);
		for (const params of [
			'deactivate-idle',
			'deactivate-idle 0',
			'deactivate-idle abc',
			'deactivate-idle 30 Helpers extra',
			'deactivate-idle 99999',
		]) {
			await command(params, /^Usage: \/integration deactivate-idle <days> \[role\]/);
		}
		expect(active()).to.deep.equal({ 'idle.one': true, 'idle.two': true, 'idle.helper': true });
	});
});
