/**
 * The contract's security rules, tried from the outside as an attacker or a careless admin would: through
 * the app's API with its key, Rocket.Chat's REST API as a regular user or an admin, and slash commands.
 * Every case here was answered the unsafe way before these rules existed (see docs/security.md).
 */
import { expect } from 'chai';

import { keyId } from '../../adapters/crypto';
import { Credentials, Harness } from './harness';
import { drainJobs, status } from './sync-support';

interface TokenReply {
	userId: string;
	username: string;
	loginToken: string;
	resumeUrl: string;
}

const MASS_MENTION = /(^|[\s>_*])@(all|here|everyone)(?![0-9A-Za-z_-])/i;
const SANDBOX_SECRET = 'sandbox-credential-secret-0123456789';

function person(externalId: string, firstName: string, lastName: string, email: string, extra: Record<string, unknown> = {}) {
	return { externalId, firstName, lastName, email, ...extra };
}

/** Log entries of the integration log with this event. */
function logged(h: Harness, event: string): Array<{ message: string; externalId?: string; userId?: string }> {
	return [...h.world.persistence.values()]
		.map((r) => r.data as { event?: string; message: string; externalId?: string; userId?: string })
		.filter((d) => d.event === event);
}

/** An account created by a Rocket.Chat admin over REST (not by the app). */
async function adminCreates(
	h: Harness,
	username: string,
	name: string,
	email: string,
	extra: Record<string, unknown> = {},
): Promise<string> {
	const res = await h.rest<{ user: { _id: string } }>('POST', 'users.create', {
		username,
		name,
		email,
		password: `pw-${username}-0123456789`,
		verified: true,
		...extra,
	});
	if (res.status !== 200) throw new Error(`users.create ${username}: ${res.status} ${JSON.stringify(res.body)}`);
	return res.body.user._id;
}

async function loginAs(h: Harness, username: string): Promise<Credentials> {
	const res = await h.rest<{ data: { userId: string; authToken: string } }>(
		'POST',
		'login',
		{ user: username, password: `pw-${username}-0123456789` },
		null,
	);
	if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
	return { userId: res.body.data.userId, authToken: res.body.data.authToken };
}

describe('security rules: no account takeover, no admin by sync, no room squatting', function () {
	this.timeout(180_000);
	let h: Harness;
	let lobby: string;

	const sso = (body: Record<string, unknown>) => h.app<TokenReply & { error?: string }>('POST', 'sso/token', body);
	const notices = (userId: string) => h.world.ephemeral.filter((e) => e.userId === userId).map((e) => e.text ?? '');
	const command = async (params: string, expectText: RegExp, as?: Credentials): Promise<string> => {
		const who = as ?? h.admin;
		const before = notices(who.userId).length;
		await h.command(lobby, 'integration', params, who);
		return h.waitFor(
			() =>
				notices(who.userId)
					.slice(before)
					.find((t) => expectText.test(t)),
			`a reply to "${params}" matching ${expectText}`,
		);
	};

	before(async () => {
		// Accounts made here by sign-on alone are in no group: the sync must leave them be while other tests sync.
		// Linked accounts (the app never sets their password) sign in only with users.createToken: the
		// server allows it (CREATE_TOKENS_FOR_USERS_SECRET, with the app's setting).
		h = await Harness.start({
			settings: { sync_disable_without_groups: false, sync_exclusion_group: 'banned' },
			createTokensForUsersSecret: 'security-tests-token-secret-0123456789',
		});
		lobby = h.createRoom('security-lobby', []);
	});
	after(async () => {
		await h?.stop();
	});

	describe('accounts', () => {
		it('a pre-existing account is never handed out with linking off (the default): the person gets their own', async () => {
			const paula = await adminCreates(h, 'paula.stone', 'Paula Stone', 'paula@example.org');
			const res = await sso(person('sor-paula', 'Paula', 'Stone', 'paula@example.org', { emailVerified: true }));
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
			expect(res.body.userId).to.not.equal(paula);
			expect(res.body.username).to.equal('paula.stone2');
			expect(h.world.findUserById(res.body.userId)?.emails[0].address).to.equal('paula+rc1@example.org');
			expect(h.world.findUserById(paula)?.loginTokens, 'no session was opened on her account').to.have.length(0);
		});

		it('answers 409 account-exists when no alias of a taken address fits, and leaves the account alone', async () => {
			const local = 'l'.repeat(64);
			const owner = await adminCreates(h, 'long.local', 'Long Local', `${local}@example.org`);
			const res = await sso(person('sor-long', 'Long', 'Local', `${local}@example.org`, { emailVerified: true }));
			expect(res.status, JSON.stringify(res.body)).to.equal(409);
			expect(res.body).to.deep.equal({ error: 'account-exists' });
			expect(h.world.findUserById(owner)?.loginTokens).to.have.length(0);
			expect(logged(h, 'account-exists').map((e) => e.externalId)).to.include('sor-long');
		});

		it('with linking on, links only when both e-mails are verified and the account is a plain person', async () => {
			const ingrid = await adminCreates(h, 'ingrid.berg', 'Ingrid Berg', 'ingrid@example.org');
			const oskar = await adminCreates(h, 'oskar.lund', 'Oskar Lund', 'oskar@example.org', { verified: false });
			const botty = await adminCreates(h, 'botty.mc', 'Botty Mc', 'botty@example.org', { roles: ['bot'] });
			const vera = await adminCreates(h, 'vera.holm', 'Vera Holm', 'vera@example.org');
			await h.sandbox.configureApp({ accounts_link_existing: true });
			try {
				// The system of record did not say the address is verified.
				const i = await sso(person('sor-ingrid', 'Ingrid', 'Berg', 'ingrid@example.org'));
				expect(i.status).to.equal(200);
				expect(i.body.userId).to.not.equal(ingrid);
				// Rocket.Chat never verified the address.
				const o = await sso(person('sor-oskar', 'Oskar', 'Lund', 'oskar@example.org', { emailVerified: true }));
				expect(o.body.userId).to.not.equal(oskar);
				// A bot account.
				const b = await sso(person('sor-botty', 'Botty', 'Mc', 'botty@example.org', { emailVerified: true }));
				expect(b.body.userId).to.not.equal(botty);
				for (const id of [ingrid, oskar, botty]) expect(h.world.findUserById(id)?.loginTokens).to.have.length(0);
				expect(logged(h, 'account-not-linked').map((e) => e.userId)).to.include.members([ingrid, oskar, botty]);
				// Both sides verified, a plain person: linked.
				const v = await sso(person('sor-vera', 'Vera', 'Holm', 'vera@example.org', { emailVerified: true }));
				expect(v.status).to.equal(200);
				expect(v.body.userId).to.equal(vera);
				expect(logged(h, 'account-linked').map((e) => e.userId)).to.include(vera);
			} finally {
				await h.sandbox.configureApp({ accounts_link_existing: false });
			}
			// Linking turned off again: the linked account is no longer answered.
			const again = await sso(person('sor-vera', 'Vera', 'Holm', 'vera@example.org', { emailVerified: true }));
			expect(again.status).to.equal(409);
			expect(again.body).to.deep.equal({ error: 'account-exists' });
		});

		it('never changes the password, e-mail or state of a linked account, and /mobile password refuses it', async () => {
			const vera = h.world.findUserByUsername('vera.holm');
			if (!vera) throw new Error('vera.holm is missing');
			const hash = vera.password?.hash;
			await h.sandbox.configureApp({ accounts_link_existing: true });
			try {
				expect((await h.app('PUT', 'people/sor-vera', person('sor-vera', 'Vera', 'Holm', 'vera.new@example.org'))).status).to.equal(
					202,
				);
				expect(
					(await h.app('PUT', 'groups/vera-club', { name: 'Vera Club', members: [{ externalId: 'sor-vera' }] })).status,
				).to.equal(202);
				await drainJobs(h);
				expect(vera.emails).to.deep.equal([{ address: 'vera@example.org', verified: true }]);
				expect(h.world.findRoomByName('vera-club')?.members).to.include(vera._id);
				// Excluded by the system of record: out of the rooms, but never deactivated, since this account is not the app's.
				expect((await h.app('PUT', 'groups/banned', { name: 'Banned', members: [{ externalId: 'sor-vera' }] })).status).to.equal(
					202,
				);
				await drainJobs(h);
				expect(vera.active).to.equal(true);
				expect(h.world.findRoomByName('vera-club')).to.equal(undefined);
				await h.app('DELETE', 'groups/banned');
				await h.app('DELETE', 'groups/vera-club');
				await drainJobs(h);
				h.world.addMember(lobby, vera._id);
				const creds = { userId: vera._id, authToken: h.world.createLoginToken(vera._id) };
				await h.command(lobby, 'mobile', 'password', creds);
				await h.waitFor(() => notices(vera._id).find((t) => /not managed by the integration/.test(t)), 'the refusal');
				expect(vera.password?.hash).to.equal(hash);
			} finally {
				await h.sandbox.configureApp({ accounts_link_existing: false });
			}
		});

		it("never answers with an admin's account for the admin's e-mail, linking on or off", async () => {
			const jane = await adminCreates(h, 'jane.admin', 'Jane Admin', 'jane.admin@example.org', { roles: ['admin', 'user'] });
			const admin = h.world.findUserById(jane);
			for (const [i, linking] of [false, true].entries()) {
				await h.sandbox.configureApp({ accounts_link_existing: linking });
				// Her name, her verified e-mail: everything an old-style "merge" would go by.
				const res = await sso(person(`sor-admin-${i}`, 'Jane', 'Admin', 'jane.admin@example.org', { emailVerified: true }));
				expect(res.status, JSON.stringify(res.body)).to.equal(200);
				expect(res.body.userId).to.not.equal(jane);
				expect(res.body.username).to.match(/^jane\.admin\d+$/);
				expect(h.world.findUserById(res.body.userId)?.emails[0].address).to.match(/^jane\.admin\+rc\d+@example\.org$/);
				expect(h.world.findUserById(res.body.userId)?.roles).to.deep.equal(['user']);
			}
			await h.sandbox.configureApp({ accounts_link_existing: false });
			expect(admin?.loginTokens, 'no session was opened on her account').to.have.length(0);
			// The same for the sandbox's own administrator, whose username `admin` is reserved anyway.
			const res = await sso(person('sor-admin-2', 'Admin', '-', 'admin@sandbox.local', { emailVerified: true }));
			expect(res.body.userId).to.not.equal(h.admin.userId);
			expect(res.body.username).to.match(/^admin\d+$/);
		});

		it('refuses a token for an account promoted to admin (403 account-privileged, logged), and its /mobile password', async () => {
			const p = person('sor-pro', 'Petra', 'Promoted', 'petra@example.org');
			const first = await sso(p);
			expect(first.status).to.equal(200);
			const user = h.world.findUserById(first.body.userId);
			if (!user) throw new Error('no account');
			expect((await h.rest('POST', 'roles.addUserToRole', { roleId: 'admin', username: user.username })).status).to.equal(200);
			const tokens = user.loginTokens.length;
			const refused = await sso(p);
			expect(refused.status).to.equal(403);
			expect(refused.body).to.deep.equal({ error: 'account-privileged' });
			expect(user.loginTokens.length, 'no token was created').to.equal(tokens);
			expect(logged(h, 'sso-refused-privileged').map((e) => e.externalId)).to.include('sor-pro');
			// Nor a new password through /mobile.
			const hash = user.password?.hash;
			h.world.addMember(lobby, user._id);
			await h.command(lobby, 'mobile', 'password', { userId: user._id, authToken: first.body.loginToken });
			await h.waitFor(() => notices(user._id).find((t) => /privileged role/.test(t)), 'the refusal');
			expect(user.password?.hash).to.equal(hash);
			// A role of the privileged roles setting counts the same.
			expect((await h.rest('POST', 'roles.removeUserFromRole', { roleId: 'admin', username: user.username })).status).to.equal(200);
			expect((await sso(p)).status).to.equal(200);
			h.world.createRole('auditor');
			h.world.addUserToRole('auditor', user._id);
			await h.sandbox.configureApp({ accounts_privileged_roles: 'admin\nauditor' });
			try {
				expect((await sso(p)).body).to.deep.equal({ error: 'account-privileged' });
			} finally {
				await h.sandbox.configureApp({ accounts_privileged_roles: 'admin' });
			}
		});

		it("sets the e-mail's verified flag from emailVerified", async () => {
			const plain = await sso(person('sor-unv', 'Una', 'Verified', 'una@example.org'));
			const checked = await sso(person('sor-ver', 'Val', 'Verified', 'val@example.org', { emailVerified: true }));
			expect(h.world.findUserById(plain.body.userId)?.emails).to.deep.equal([{ address: 'una@example.org', verified: false }]);
			expect(h.world.findUserById(checked.body.userId)?.emails).to.deep.equal([{ address: 'val@example.org', verified: true }]);
			// The sync follows it too.
			await h.app('PUT', 'people/sor-unv', person('sor-unv', 'Una', 'Verified', 'una@example.org', { emailVerified: true }));
			await h.app('PUT', 'groups/una-club', { name: 'Una Club', members: [{ externalId: 'sor-unv' }] });
			await drainJobs(h);
			expect(h.world.findUserById(plain.body.userId)?.emails).to.deep.equal([{ address: 'una@example.org', verified: true }]);
			await h.app('DELETE', 'groups/una-club');
			await drainJobs(h);
		});

		it("follows Rocket.Chat's reserved and blocked usernames", async () => {
			h.world.serverSettings.set('Accounts_BlockedUsernameList', 'blocked.name, Other.Blocked');
			try {
				const names: Array<[string, string, string]> = [
					['System', '.', 'system2'],
					['All', '.', 'all2'],
					['Rocket', 'Cat', 'rocket.cat2'],
					['Blocked', 'Name', 'blocked.name2'],
					['Other', 'Blocked', 'other.blocked2'],
				];
				for (const [i, [first, last, want]] of names.entries()) {
					const res = await sso(person(`sor-reserved-${i}`, first, last, `reserved${i}@example.org`));
					expect(res.status, `${first} ${last}: ${JSON.stringify(res.body)}`).to.equal(200);
					expect(res.body.username).to.equal(want);
				}
			} finally {
				h.world.serverSettings.set('Accounts_BlockedUsernameList', '');
			}
		});
	});

	describe('roles', () => {
		before(async () => {
			h.world.createRole('Core Team');
			await h.app('PUT', 'people/sor-role', person('sor-role', 'Rolf', 'Roles', 'rolf@example.org'));
			await h.app('PUT', 'groups/role-club', { name: 'Role Club', members: [{ externalId: 'sor-role' }] });
			await drainJobs(h);
		});

		it('refuses PUT roles/admin, bot and app, and any role outside the allowlist, with 400 and nothing stored', async () => {
			await h.sandbox.configureApp({ sync_assignable_roles: 'admin\nCore Team' });
			try {
				for (const role of ['admin', 'bot', 'app', 'editor']) {
					const before = h.world.persistence.size;
					const res = await h.app<{ error: string; details: Array<{ field: string; message: string }> }>('PUT', `roles/${role}`, {
						members: ['sor-role'],
					});
					expect(res.status, role).to.equal(400);
					expect(res.body.error).to.equal('invalid-request');
					expect(res.body.details[0].field).to.equal('roleName');
					expect(res.body.details[0].message).to.include(`"${role}"`);
					expect(h.world.persistence.size, `${role}: nothing stored`).to.equal(before);
				}
				const before = h.world.persistence.size;
				const snap = await h.app<{ details: Array<{ field: string }> }>('POST', 'snapshot', {
					people: [person('sor-role', 'Rolf', 'Roles', 'rolf@example.org')],
					groups: { 'role-club': { name: 'Role Club', members: [{ externalId: 'sor-role' }] } },
					roles: { 'Core Team': ['sor-role'], admin: ['sor-role'] },
				});
				expect(snap.status).to.equal(400);
				expect(snap.body.details.map((d) => d.field)).to.deep.equal(['roles.admin']);
				expect(h.world.persistence.size).to.equal(before);
				await drainJobs(h);
				expect(h.world.findUserByEmail('rolf@example.org')?.roles).to.deep.equal(['user']);
				// The status names the setting error: admin can never be assignable.
				expect(await command('status', /Configuration/)).to.match(/admin, bot, app or a privileged role/);
			} finally {
				await h.sandbox.configureApp({ sync_assignable_roles: '' });
			}
		});

		it('grants an allowlisted role', async () => {
			expect((await h.app('PUT', 'roles/Core%20Team', { members: ['sor-role'] })).status).to.equal(400);
			await h.sandbox.configureApp({ sync_assignable_roles: 'Core Team' });
			try {
				expect((await h.app('PUT', 'roles/Core%20Team', { members: ['sor-role'] })).status).to.equal(202);
				await drainJobs(h);
				expect(h.world.findUserByEmail('rolf@example.org')?.roles).to.deep.equal(['user', 'Core Team']);
			} finally {
				await h.sandbox.configureApp({ sync_assignable_roles: '' });
			}
		});
	});

	describe('rooms', () => {
		it('never adopts a room squatted under a group name: the group gets a room of its own', async () => {
			await adminCreates(h, 'mallory.squat', 'Mallory Squat', 'mallory@example.org');
			const mallory = await loginAs(h, 'mallory.squat');
			const squat = await h.rest<{ group: { _id: string } }>(
				'POST',
				'groups.create',
				{ name: 'squat-club', customFields: { riGroupKey: 'squat' } },
				mallory,
			);
			expect(squat.status, JSON.stringify(squat.body)).to.equal(200);
			for (const id of ['sq1', 'sq2']) await h.app('PUT', `people/${id}`, person(id, 'Sam', `Squat${id}`, `${id}@example.org`));
			expect(
				(await h.app('PUT', 'groups/squat', { name: 'Squat Club', members: [{ externalId: 'sq1' }, { externalId: 'sq2' }] }))
					.status,
			).to.equal(202);
			await drainJobs(h);
			const theirs = h.world.findRoomById(squat.body.group._id);
			expect(theirs?.members, "the squatter's room is left alone").to.deep.equal([mallory.userId]);
			const ours = h.world.findRoomByName('squat-club-2');
			const bot = [...h.world.users.values()].find((u) => u.type === 'app');
			expect(ours?.u?._id).to.equal(bot?._id);
			// The integration account joins the rooms the app creates (its REST calls need it).
			expect(ours?.members.map((id) => h.world.findUserById(id)?.username).sort()).to.deep.equal(
				[bot?.username, h.info.admin.username, 'sam.squatsq1', 'sam.squatsq2'].sort(),
			);
			expect(((await h.app('GET', 'groups/squat')).body as { room: { name: string } }).room.name).to.equal('squat-club-2');
			// The group goes: its own room is deleted, the squatter's stays.
			await h.app('DELETE', 'groups/squat');
			await drainJobs(h);
			expect(h.world.findRoomByName('squat-club-2')).to.equal(undefined);
			expect(h.world.findRoomById(squat.body.group._id)?.members).to.deep.equal([mallory.userId]);
		});
	});

	describe('the sync confirmation', () => {
		it('refuses a stale fingerprint and applies only the plan the admin names', async () => {
			const members = (n: number) => Array.from({ length: n }, (_, i) => ({ externalId: `cf${i}` }));
			for (let i = 0; i < 3; i++) await h.app('PUT', `people/cf${i}`, person(`cf${i}`, 'Conf', `Irm${i}`, `cf${i}@example.org`));
			await h.app('PUT', 'groups/confirm', { name: 'Confirm Club', members: members(3) });
			await drainJobs(h);
			const room = () => h.world.findRoomByName('confirm-club');
			// Three people, the app's bot and the integration account.
			expect(room()?.members).to.have.length(5);
			await h.sandbox.configureApp({ sync_safety_limit_percent: 0 });
			try {
				await h.app('PUT', 'groups/confirm', { name: 'Confirm Club', members: members(2) });
				await drainJobs(h);
				const seen = (await status(h)).sync.halted?.fingerprint;
				if (!seen) throw new Error('the sync should be halted');
				// The desired state changes again after the admin looked: another plan halts.
				await h.app('PUT', 'groups/confirm', { name: 'Confirm Club', members: members(1) });
				await drainJobs(h);
				const now = (await status(h)).sync.halted?.fingerprint;
				if (!now) throw new Error('the sync should be halted');
				expect(now).to.not.equal(seen);
				const stale = await command(`sync confirm ${seen}`, /not the halted plan/);
				expect(stale).to.include(now);
				await drainJobs(h);
				expect(room()?.members, 'nothing applied').to.have.length(5);
				expect(await command('sync confirm', /Name the plan/)).to.include(`/integration sync confirm ${now}`);
				await drainJobs(h);
				expect(room()?.members).to.have.length(5);
				expect(await command(`sync confirm ${now}`, /confirmed/)).to.include(now);
				await drainJobs(h);
				expect(room()?.members).to.have.length(3);
			} finally {
				await h.sandbox.configureApp({ sync_safety_limit_percent: 20 });
			}
		});
	});

	describe('chatbot', () => {
		let room: string;
		let talker: { userId: string; creds: Credentials };
		const botReplies = () => {
			const bot = [...h.world.users.values()].find((u) => u.type === 'app');
			return h.messages(room).filter((m) => m.username === bot?.username);
		};

		before(async () => {
			talker = await h.createUser('tina.talker');
			room = h.createRoom('bot-room', ['tina.talker']);
		});

		it('never mass-mentions in a reply', async () => {
			const res = await h.app('PUT', 'triggers', {
				triggers: [{ pattern: '^rally now$', responses: ['@all, @HERE and @everyone: rally at noon, @tina.talker!'] }],
			});
			expect(res.status).to.equal(200);
			await h.post(room, 'rally now', talker.creds);
			const reply = await h.waitFor(() => botReplies()[0], 'the bot reply');
			expect(reply.text).to.not.match(MASS_MENTION);
			expect(reply.text).to.equal('@\u200ball, @\u200bHERE and @\u200beveryone: rally at noon, @tina.talker!');
		});

		it('caps the cost of 1,000 triggers the prefilter cannot narrow on a 5 kB message', async () => {
			const triggers = Array.from({ length: 1000 }, (_, i) => ({
				pattern: i === 999 ? '\\w+\\s+\\w+' : `(\\w\\W){${(i % 7) + 2}}\\s{${(i % 5) + 3}}`,
				responses: [`answer ${i}`],
			}));
			expect((await h.app('PUT', 'triggers', { triggers })).status).to.equal(200);
			// A short message: every pattern runs, the last one answers.
			const before = botReplies().length;
			await h.post(room, 'hello there', talker.creds);
			await h.waitFor(() => botReplies().length > before, 'the reply to a short message');
			expect(botReplies().at(-1)?.text).to.equal('answer 999');
			// A 5 kB message: the budget runs out long before the last pattern, and the cap is logged.
			const count = botReplies().length;
			const long = ('lorem ipsum dolor sit amet ' + 'x'.repeat(20) + ' ').repeat(110).slice(0, 5000);
			await h.post(room, long, talker.creds);
			const entry = await h.waitFor(() => logged(h, 'trigger-cost-capped')[0], 'the cost cap log entry');
			const [checked, left] = /(\d+) patterns checked, (\d+) left out/.exec(entry.message)?.slice(1).map(Number) ?? [];
			expect(checked + left).to.equal(1000);
			expect(checked).to.be.greaterThan(0).and.lessThan(1000);
			await h.sandbox.quiesce();
			expect(botReplies().length, 'no reply: the matching pattern was left out').to.equal(count);
		});
	});

	describe('transport', () => {
		it('refuses API keys shorter than 32 characters', async () => {
			const short = 'a-short-key-0123456789';
			await h.sandbox.configureApp({ api_keys: `${h.info.apiKey}\n${short}` });
			try {
				expect((await h.app('GET', 'ping', undefined, { key: short })).status).to.equal(401);
				expect((await h.app('GET', 'ping')).status).to.equal(200);
				expect(await command('status', /Configuration/)).to.match(/shorter than 32 characters/);
			} finally {
				await h.sandbox.configureApp({ api_keys: h.info.apiKey });
			}
		});

		it('never sends the outbound key over plain http to another host', async () => {
			await h.sandbox.configureApp({
				sync_feed_url: 'http://feed.example.org/snapshot',
				api_outbound_key: 'outbound-key-0123456789abcdef-0123456789',
			});
			try {
				expect(await command('status', /Configuration/)).to.match(/https address/);
				await h.app('POST', 'sync');
				await drainJobs(h);
				expect(h.world.outboundCalls.filter((c) => c.url.includes('feed.example.org'))).to.deep.equal([]);
			} finally {
				await h.sandbox.configureApp({ sync_feed_url: '', api_outbound_key: '' });
			}
		});

		it('sends REST calls (and the admin token) to the server, never to the link URL', async () => {
			await h.sandbox.configureApp({ rc_site_url: 'https://links.example.org' });
			try {
				const res = await sso(person('sor-links', 'Lina', 'Links', 'lina@example.org'));
				expect(res.status, JSON.stringify(res.body)).to.equal(200);
				expect(res.body.resumeUrl).to.match(/^https:\/\/links\.example\.org\/home\?resumeToken=/);
				expect(h.world.outboundCalls.filter((c) => c.url.includes('links.example.org'))).to.deep.equal([]);
			} finally {
				await h.sandbox.configureApp({ rc_site_url: h.url });
			}
		});
	});
});

describe('security rules: login by stored credential', function () {
	this.timeout(120_000);
	let h: Harness;
	const sso = (body: Record<string, unknown>) => h.app<TokenReply & { error?: string }>('POST', 'sso/token', body);
	const updates = () => h.world.restCalls.get('/api/v1/users.update') ?? 0;

	before(async () => {
		// A stock server: no users.createToken, the app logs people in with the credential it stores.
		h = await Harness.start();
	});
	after(async () => {
		await h?.stop();
	});

	it('rotates the credential secret without losing stored credentials', async () => {
		const p = person('cred-1', 'Rita', 'Rotate', 'rita@example.org');
		expect((await sso(p)).status).to.equal(200);
		const fresh = 'the-new-credential-secret-0123456789abcdef';
		await h.sandbox.configureApp({ api_credential_secret: `${fresh} ${SANDBOX_SECRET}` });
		const before = updates();
		const res = await sso(p);
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		expect(updates(), 'no password was reset').to.equal(before);
		const record = [...h.world.persistence.values()]
			.map((r) => r.data as { externalId?: string; credential?: string })
			.find((d) => d.externalId === 'cred-1' && d.credential);
		expect(record?.credential?.startsWith(`v2.${keyId(fresh)}.`), 'stored again under the new secret').to.equal(true);
		// The old secret can go now.
		await h.sandbox.configureApp({ api_credential_secret: fresh });
		expect((await sso(p)).status).to.equal(200);
		expect(updates()).to.equal(before);
	});

	it('treats totp-required as a failure, not a reason to reset the password', async () => {
		h.expectErrors(/login-failed for cred-2 .*totp-required/);
		// A verified address (Rocket.Chat turns e-mail two-factor on only for verified addresses).
		const p = person('cred-2', 'Toto', 'Twofactor', 'toto@example.org', { emailVerified: true });
		const first = await sso(p);
		expect(first.status).to.equal(200);
		// The person turns on two-factor authentication by e-mail for their account.
		expect(
			(await h.rest('POST', 'users.2fa.enableEmail', {}, { userId: first.body.userId, authToken: first.body.loginToken })).status,
		).to.equal(200);
		const user = h.world.findUserById(first.body.userId);
		const hash = user?.password?.hash;
		const sessions = user?.loginTokens.length;
		const before = updates();
		const res = await sso(p);
		expect(res.status).to.equal(502);
		expect(res.body.error).to.equal('chat-server-error');
		expect(updates(), 'the password was not reset').to.equal(before);
		expect(user?.password?.hash).to.equal(hash);
		expect(user?.loginTokens.length, 'no session was ended').to.equal(sessions);
	});

	it('never resets the password of a linked account to log it in', async () => {
		h.expectErrors(/login-failed for cred-3 .*did not create this account/);
		const vera = await adminCreates(h, 'vera.cred', 'Vera Cred', 'vera.cred@example.org');
		await h.sandbox.configureApp({ accounts_link_existing: true });
		try {
			const hash = h.world.findUserById(vera)?.password?.hash;
			const before = updates();
			const res = await sso(person('cred-3', 'Vera', 'Cred', 'vera.cred@example.org', { emailVerified: true }));
			expect(res.status).to.equal(502);
			expect(updates()).to.equal(before);
			expect(h.world.findUserById(vera)?.password?.hash).to.equal(hash);
			expect(h.world.findUserById(vera)?.loginTokens).to.have.length(0);
		} finally {
			await h.sandbox.configureApp({ accounts_link_existing: false });
		}
	});
});
