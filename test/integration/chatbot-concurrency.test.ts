import { expect } from 'chai';

import { Credentials, Harness } from './harness';

interface Board {
	leaderboard: Array<{ username: string; points: number; rank: number }>;
	count: number;
	total: number;
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: limit }, worker));
}

describe('chatbot: 1,000 concurrent awards on two server instances', function () {
	this.timeout(180_000);
	let h: Harness;
	let roomId: string;
	const givers: Array<{ userId: string; username: string; creds: Credentials }> = [];
	const receivers: string[] = [];
	const GIVERS = 50;
	const RECEIVERS = 20;
	const AWARDS = 1000;

	before(async () => {
		h = await Harness.start({ instances: 2, settings: { bot_points_cooldown_seconds: 0 } });
		for (let i = 0; i < GIVERS; i++) givers.push(await h.createUser(`giver${i}`));
		for (let i = 0; i < RECEIVERS; i++) receivers.push((await h.createUser(`receiver${i}`)).username);
		roomId = h.createRoom('busy', [...givers.map((g) => g.username), ...receivers], 'c');
	});
	after(async () => {
		await h?.stop();
	});

	const awardRecords = () => [...h.world.persistence.values()].filter((r) => r.associations.some((a) => a.id === 'ri:points-award'));
	const snapshotRecords = () =>
		[...h.world.persistence.values()].filter((r) => r.associations.some((a) => a.id === 'ri:points-snapshot'));
	const botReplies = () => [...h.world.messages.values()].filter((m) => m.rid === roomId && m.appId !== undefined).length;
	const board = async () => (await h.app<Board>('GET', 'points?top=1000')).body;

	it('loses none and counts none twice, with compactions and double deliveries running meanwhile', async () => {
		const job = `points-compaction_${h.appId}`;
		const messageIds: string[] = [];
		// Compactions run one after another (never two at once, apart from the double runs), while awards keep arriving.
		let compactions: Promise<unknown> = Promise.resolve();
		let folded = 0;
		const later = () => ({ now: Date.now() + 3 * 3600_000 });
		await pool(
			Array.from({ length: AWARDS }, (_, i) => i),
			100,
			async (i) => {
				const giver = givers[i % GIVERS];
				const receiver = receivers[Math.floor(i / GIVERS) % RECEIVERS];
				const res = await h.http<{ message: { _id: string } }>('POST', '/api/v1/chat.postMessage', {
					headers: {
						'X-User-Id': giver.creds.userId,
						'X-Auth-Token': giver.creds.authToken,
						'X-Sandbox-Instance': String((i % 2) + 1),
					},
					body: { roomId, text: `@${receiver} ++ thanks (${i})` },
				});
				expect(res.status, JSON.stringify(res.body)).to.equal(200);
				messageIds.push(res.body.message._id);
				// With a clock 3 hours ahead, a compaction folds everything written so far. Every 200 messages, a run on
				// one instance (it holds the lease, so it folds), or on both at once (a double run: one goes ahead at most).
				if (i % 200 === 199) {
					const single = i % 400 === 199;
					compactions = compactions.then(async () => {
						if (!single) return h.sandbox.runJobOnAllInstances(job, later());
						await h.sandbox.instances[Math.floor(i / 400) % 2].engine.runJob(h.appId, job, `run-${i}`, later());
						folded = Math.max(folded, snapshotRecords().length);
					});
				}
			},
		);
		await compactions;
		await h.sandbox.quiesce();
		// The compactions did fold awards while others were being written.
		expect(folded).to.be.greaterThan(0);
		expect(awardRecords().length).to.be.lessThan(AWARDS);

		// Each message delivered again to the other instance, as a cluster that double-fires a listener would.
		for (let k = 0; k < messageIds.length; k += 4) {
			const inst = h.sandbox.instances[k % 2];
			h.sandbox.fireMessageEvent('sent', messageIds[k], inst);
		}
		await h.sandbox.quiesce();

		const result = await board();
		// One answer per award; the second deliveries were refused silently.
		expect(botReplies()).to.equal(AWARDS);
		expect(result.total).to.equal(RECEIVERS);
		expect(result.leaderboard.map((e) => e.points)).to.deep.equal(Array(RECEIVERS).fill(AWARDS / RECEIVERS));
		expect(result.leaderboard.every((e) => e.rank === 1)).to.equal(true);

		// A double run with nothing else going on, then a single run: the totals stay exact and nothing raw is left.
		await h.sandbox.runJobOnAllInstances(job, { now: Date.now() + 3 * 3600_000 });
		expect((await board()).leaderboard.map((e) => e.points)).to.deep.equal(Array(RECEIVERS).fill(AWARDS / RECEIVERS));
		await h.sandbox.primary().engine.runJob(h.appId, job, 'final', { now: Date.now() + 3 * 3600_000 });
		expect(awardRecords()).to.have.length(0);
		const after = await board();
		expect(after.leaderboard.map((e) => e.points)).to.deep.equal(Array(RECEIVERS).fill(AWARDS / RECEIVERS));
	});
});
