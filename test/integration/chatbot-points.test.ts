import { expect } from 'chai';

import { Credentials, Harness } from './harness';

interface Board {
	leaderboard: Array<{ externalId?: string; username: string; points: number; rank: number }>;
	offset: number;
	count: number;
	total: number;
}

/**
 * One story, in order: the totals, ranks and leaderboard of the later tests are the awards given by the
 * earlier ones (rebuilding that history in each test would only repeat them).
 */
describe('chatbot: chat points in the sandbox', function () {
	this.timeout(60_000);
	let h: Harness;
	let roomId: string;
	let botUsername: string;
	const people: Record<string, { userId: string; username: string; creds: Credentials }> = {};

	before(async () => {
		h = await Harness.start();
		for (const name of ['bob', 'carl', 'dora', 'erin', 'fred', 'gina', 'hugo', 'ivy', 'jon', 'kim', 'lea', 'max']) {
			people[name] = await h.createUser(name, { name: name[0].toUpperCase() + name.slice(1) });
		}
		roomId = h.createRoom('team', Object.keys(people));
		const bot = [...h.world.users.values()].find((u) => u.type === 'app');
		botUsername = bot?.username ?? '';
		expect(botUsername).to.not.equal('');
	});
	after(async () => {
		await h?.stop();
	});

	const botTexts = (rid = roomId) =>
		h
			.messages(rid)
			.filter((m) => m.username === botUsername)
			.map((m) => m.text);
	const notices = (userId: string) => h.world.ephemeral.filter((e) => e.userId === userId).map((e) => e.text);
	/** Posts and waits until every listener it started has finished (the sandbox tracks them). */
	const postAndSettle = async (text: string, as: Credentials, extra: Record<string, unknown> = {}) => {
		const res = await h.post(roomId, text, as, extra);
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		await h.sandbox.quiesce();
		return (res.body.message as { _id: string })._id;
	};
	const awardRecords = () => [...h.world.persistence.values()].filter((r) => r.associations.some((a) => a.id === 'ri:points-award'));
	const snapshotRecords = () =>
		[...h.world.persistence.values()].filter((r) => r.associations.some((a) => a.id === 'ri:points-snapshot'));

	it('gives a point and answers in the room, as the bot, with the new total', async () => {
		await h.post(roomId, 'thanks @carl ++ for the review', people.bob.creds);
		const reply = await h.waitFor(() => botTexts().find((t) => t.includes('carl')), 'the bot reply');
		expect(reply).to.equal('carl now has 1 point.');
		const message = [...h.world.messages.values()].find((m) => m.msg === reply);
		expect(message?.alias).to.equal('Rocket Integration');

		await h.post(roomId, '@carl++ and @dora ++ because the demo worked', people.erin.creds);
		const both = await h.waitFor(() => botTexts().find((t) => t.includes('dora')), 'the second reply');
		expect(both).to.equal('carl now has 2 points.\ndora now has 1 point.');
		const reasons = awardRecords().map((r) => (r.data as { reason?: string }).reason);
		expect(reasons).to.include('the demo worked');
	});

	it('takes a point with -- and with a dash typed by a phone', async () => {
		await h.post(roomId, '@fred --', people.gina.creds);
		await h.waitFor(() => botTexts().includes('fred now has -1 point.'), 'the minus reply');
		await h.post(roomId, '@fred—', people.hugo.creds);
		await h.waitFor(() => botTexts().includes('fred now has -2 points.'), 'the dash reply');
	});

	it('ignores what is not points: C++, code, the bot itself', async () => {
		const before = botTexts().length;
		await postAndSettle('I love C++ and `@carl++` in code', people.bob.creds);
		await postAndSettle('```\n@carl ++\n```', people.bob.creds);
		expect(botTexts()).to.have.length(before);
		// The bot's own answers mention users with totals; they never count (carl is still at 2).
		expect(botTexts().filter((t) => t.startsWith('carl now has'))).to.deep.equal([
			'carl now has 1 point.',
			'carl now has 2 points.\ndora now has 1 point.',
		]);
	});

	it('refuses self-points, unknown users, a repeat within the cool-down and too many points, telling the giver only', async () => {
		const ivy = people.ivy;
		const before = botTexts().length;
		await postAndSettle('@ivy ++', ivy.creds);
		await postAndSettle('@nobody.here ++', ivy.creds);
		expect(notices(ivy.userId)).to.deep.equal([
			'You cannot give points to yourself.',
			'No points for @nobody.here: there is no user with that name.',
		]);
		expect(botTexts()).to.have.length(before);

		await postAndSettle('@jon ++', ivy.creds);
		expect(botTexts().at(-1)).to.equal('jon now has 1 point.');
		await postAndSettle('@jon ++ again', ivy.creds);
		expect(notices(ivy.userId).at(-1)).to.match(/^You changed the points of @jon a moment ago; try again in \d+ seconds\.$/);
		expect(botTexts().at(-1)).to.equal('jon now has 1 point.');

		await h.sandbox.configureApp({ bot_points_max_per_message: 2 });
		try {
			await postAndSettle('@kim++ @lea++ @max++ @kim--', ivy.creds);
			expect(botTexts().at(-1)).to.equal('kim now has 1 point.\nlea now has 1 point.');
			expect(notices(ivy.userId).at(-1)).to.equal(
				'No points for @max: one message can change at most 2 points.\n@kim is mentioned more than once in your message; only the first mention counts.',
			);
			// Nobody else was told.
			expect(h.world.ephemeral.filter((e) => e.userId !== ivy.userId && e.text.includes('points'))).to.deep.equal([]);
		} finally {
			await h.sandbox.configureApp({ bot_points_max_per_message: 5 });
		}
	});

	it('never counts an edited message twice, whatever the edit', async () => {
		const id = await postAndSettle('@gina ++ nice', people.lea.creds);
		expect(botTexts().at(-1)).to.equal('gina now has 1 point.');
		const count = botTexts().length;
		for (const text of ['@gina ++ nice work', '@hugo ++ nice work', '@gina -- oops']) {
			const res = await h.rest('POST', 'chat.update', { roomId, msgId: id, text }, people.lea.creds);
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
			await h.sandbox.quiesce();
		}
		expect(botTexts()).to.have.length(count);
		expect(awardRecords().filter((r) => (r.data as { messageId: string }).messageId === id)).to.have.length(1);
		const board = await h.app<Board>('GET', 'points?top=100');
		expect(board.body.leaderboard.find((e) => e.username === 'gina')?.points).to.equal(1);
		expect(board.body.leaderboard.find((e) => e.username === 'hugo')).to.equal(undefined);
	});

	it('answers in the thread when the message is in one', async () => {
		const root = await postAndSettle('release thread', people.bob.creds);
		await postAndSettle('@hugo ++ for shipping', people.max.creds, { tmid: root });
		const reply = [...h.world.messages.values()].find((m) => m.msg === 'hugo now has 1 point.');
		expect(reply?.tmid).to.equal(root);
	});

	it('shows totals and ranks with /points, privately', async () => {
		// carl 2, dora 1, fred -2, jon 1, kim 1, lea 1, gina 1, hugo 1
		await h.command(roomId, 'points', '', people.carl.creds);
		await h.waitFor(() => notices(people.carl.userId).includes('Your chat points: 2 (rank 1).'), '/points');
		await h.command(roomId, 'points', '@fred', people.carl.creds);
		await h.waitFor(() => notices(people.carl.userId).includes('Chat points of @fred: -2 (rank 8).'), '/points @fred');
		await h.command(roomId, 'points', 'nobody.here', people.carl.creds);
		await h.waitFor(() => notices(people.carl.userId).includes('There is no user called @nobody.here.'), '/points unknown');
		await h.command(roomId, 'points', 'top 3', people.carl.creds);
		const top = await h.waitFor(() => notices(people.carl.userId).find((t) => t.startsWith('*Chat points leaderboard')), '/points top');
		const lines = top.split('\n');
		expect(lines.slice(0, 2)).to.deep.equal(['*Chat points leaderboard (top 3)*', '1. @carl: 2']);
		// Six people share rank 2 with one point; the board shows the first two of them.
		expect(lines.slice(2)).to.have.length(2);
		for (const line of lines.slice(2)) expect(line).to.match(/^2\. @(dora|gina|hugo|jon|kim|lea): 1$/);
		expect(botTexts().some((t) => t.includes('leaderboard'))).to.equal(false);
		await h.command(roomId, 'points', 'top 3 extra', people.carl.creds);
		await h.waitFor(() => notices(people.carl.userId).some((t) => t.startsWith('Usage: /points')), 'the usage');
		await h.sandbox.configureApp({ bot_points_enabled: false });
		try {
			await h.command(roomId, 'points', '', people.carl.creds);
			await h.waitFor(() => notices(people.carl.userId).includes('Chat points are turned off on this server.'), 'points off');
			const count = botTexts().length;
			await postAndSettle('@dora ++ while points are off', people.jon.creds);
			expect(botTexts()).to.have.length(count);
		} finally {
			await h.sandbox.configureApp({ bot_points_enabled: true });
		}
	});

	it('serves the leaderboard and one person through the external API', async () => {
		// A person of the system of record: the accounts feature maps the externalId to an account.
		const sso = await h.app<{ userId: string; username: string }>('POST', 'sso/token', {
			externalId: 'p-1001',
			firstName: 'Nina',
			lastName: 'Ortiz',
			email: 'nina.ortiz@example.org',
		});
		expect(sso.status, JSON.stringify(sso.body)).to.equal(200);
		h.world.addMember(roomId, sso.body.userId);
		await h.post(roomId, `@${sso.body.username} ++ welcome!`, people.kim.creds);
		await h.waitFor(() => botTexts().includes(`${sso.body.username} now has 1 point.`), 'the award to nina');

		const one = await h.app('GET', 'points/p-1001');
		expect(one.status).to.equal(200);
		expect(one.body).to.deep.equal({ externalId: 'p-1001', username: sso.body.username, points: 1 });
		expect((await h.app('GET', 'points/p-unknown')).status).to.equal(404);
		expect((await h.app('GET', 'points/p-1001', undefined, { key: null })).status).to.equal(401);

		const page1 = await h.app<Board>('GET', 'points?top=2');
		expect(page1.status).to.equal(200);
		expect(page1.body.offset).to.equal(0);
		expect(page1.body.count).to.equal(2);
		expect(page1.body.total).to.equal(9);
		expect(page1.body.leaderboard[0]).to.deep.equal({ username: 'carl', points: 2, rank: 1 });
		const rest = await h.app<Board>('GET', 'points?top=100&offset=2');
		expect(rest.body.count).to.equal(7);
		expect(rest.body.leaderboard.at(-1)).to.deep.equal({ username: 'fred', points: -2, rank: 9 });
		const nina = [...page1.body.leaderboard, ...rest.body.leaderboard].find((e) => e.username === sso.body.username);
		expect(nina).to.deep.equal({ externalId: 'p-1001', username: sso.body.username, points: 1, rank: 2 });
		expect((await h.app('GET', 'points?top=0')).status).to.equal(400);
		expect((await h.app('GET', 'points?top=abc')).status).to.equal(400);
	});

	it('compacts old awards into snapshots without changing any total, even when the job runs twice', async () => {
		const before = (await h.app<Board>('GET', 'points?top=100')).body.leaderboard;
		expect(awardRecords().length).to.be.greaterThan(0);
		const job = `points-compaction_${h.appId}`;
		const later = Date.now() + 3 * 60 * 60 * 1000;
		await h.sandbox.runJobOnAllInstances(job, { now: later });
		await h.sandbox.runJobOnAllInstances(job, { now: later });
		expect(awardRecords()).to.have.length(0);
		expect(snapshotRecords().length).to.equal(before.length);
		expect((await h.app<Board>('GET', 'points?top=100')).body.leaderboard).to.deep.equal(before);

		// New awards count on top of the snapshots.
		await h.post(roomId, '@carl ++', people.max.creds);
		await h.waitFor(() => botTexts().at(-1) === 'carl now has 3 points.', 'an award after compaction');
		await h.command(roomId, 'points', '', people.carl.creds);
		await h.waitFor(() => notices(people.carl.userId).includes('Your chat points: 3 (rank 1).'), '/points after compaction');
	});

	it('answers in the language of the server', async () => {
		h.world.serverSettings.set('Language', 'de');
		await h.post(roomId, '@erin ++', people.dora.creds);
		await h.waitFor(() => botTexts().includes('erin hat jetzt 1 Punkt.'), 'the German reply');
		h.world.serverSettings.set('Language', 'en');
	});
});
