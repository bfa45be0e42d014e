/**
 * Chat points in the sandbox (the packaged app on two engine instances, as a cluster): 1,000 awards
 * (smoke: 200) posted 100 at a time over both instances, from `chat.postMessage` until every listener
 * has finished, against the same number of messages without points, posted the same way in the same
 * run. Target: ratio <= 4 (an award costs a ledger write, a total, and the bot's reply, itself a message the listeners see). Checks: every
 * award counted exactly once and answered once (what test/integration/chatbot-concurrency.test.ts
 * asserts, without the time).
 */
import { Credentials, Harness } from '../test/integration/harness';
import { Benchmark, round } from './harness';

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await fn(items[next++]);
	};
	await Promise.all(Array.from({ length: limit }, worker));
}

export const benchmarks: Benchmark[] = [
	{
		name: 'chatbot in the sandbox: 1,000 awards (smoke 200) over two instances, per message',
		unit: 'ms',
		baselineIs: 'the same number of messages without points',
		target: { on: 'ratio', direction: '<=', full: 4, smoke: 4 },
		async run({ smoke }) {
			const AWARDS = smoke ? 200 : 1000;
			const GIVERS = 50;
			const RECEIVERS = 20;
			const h = await Harness.start({ instances: 2, settings: { bot_points_cooldown_seconds: 0 } });
			try {
				const givers: Credentials[] = [];
				const receivers: string[] = [];
				for (let i = 0; i < GIVERS; i++) givers.push((await h.createUser(`giver${i}`)).creds);
				for (let i = 0; i < RECEIVERS; i++) receivers.push((await h.createUser(`receiver${i}`)).username);
				const roomId = h.createRoom('busy', [...Array.from({ length: GIVERS }, (_, i) => `giver${i}`), ...receivers], 'c');
				const post = async (i: number, text: string) => {
					// Every receiver gets the same number of awards, from givers taking turns.
					const giver = givers[Math.floor(i / RECEIVERS) % GIVERS];
					const res = await h.http('POST', '/api/v1/chat.postMessage', {
						headers: { 'X-User-Id': giver.userId, 'X-Auth-Token': giver.authToken, 'X-Sandbox-Instance': String((i % 2) + 1) },
						body: { roomId, text },
					});
					if (res.status !== 200) throw new Error(`post failed: ${res.status}`);
				};
				const timed = async (text: (i: number) => string): Promise<number> => {
					const t0 = process.hrtime.bigint();
					await pool(
						Array.from({ length: AWARDS }, (_, i) => i),
						100,
						(i) => post(i, text(i)),
					);
					await h.sandbox.quiesce();
					return Number(process.hrtime.bigint() - t0) / 1e6 / AWARDS;
				};
				await timed((i) => `warming up ${i}`);
				const baseline = await timed((i) => `thanks for the review (${i})`);
				const value = await timed((i) => `@${receivers[i % RECEIVERS]} ++ thanks (${i})`);
				const board = await h.app<{ leaderboard: Array<{ points: number }> }>('GET', 'points?top=100');
				const replies = [...h.world.messages.values()].filter((m) => m.rid === roomId && m.appId !== undefined).length;
				const points = board.body.leaderboard.map((e) => e.points);
				return {
					value,
					baseline,
					checks: {
						everyAwardCountedOnce: points.length === RECEIVERS && points.every((p) => p === AWARDS / RECEIVERS),
						everyAwardAnsweredOnce: replies === AWARDS,
					},
					details: { awards: AWARDS, awardMs: round(value, 2), plainMessageMs: round(baseline, 2) },
				};
			} finally {
				await h.stop();
			}
		},
	},
];
