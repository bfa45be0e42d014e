import { expect } from 'chai';

import { Harness } from './harness';
import { HistoryReceiver } from './history-receiver';

const KEY = 'history-outbound-key-0123456789abcdef';

/** The texts an app log entry holds (the engine stores the arguments of each logger call). */
function logTexts(entry: unknown): string[] {
	const lines = (entry as { entries?: Array<{ args?: unknown[] }> }).entries ?? [];
	return lines.flatMap((l) => (l.args ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))));
}

/**
 * The scheduled processors as the engine in use calls them. Apps-Engine 1.62 calls a processor's
 * function with the app as `this` (earlier engines with the registered object), so a processor that
 * relies on its own `this` fails there; and a logger kept from before the run writes to no log.
 * Run with ENGINE=1.62.0 (npm run test:engines does) to hold the app to both.
 */
describe('scheduled processors on the engine in use', function () {
	this.timeout(120_000);
	let h: Harness;
	const rx = new HistoryReceiver();

	before(async () => {
		await rx.start();
		rx.plan = () => 500;
		h = await Harness.start({
			settings: {
				history_enabled: true,
				history_all_rooms: true,
				history_url: rx.url,
				api_outbound_key: KEY,
				history_max_attempts: 10,
			},
		});
	});
	after(async () => {
		await h?.stop();
		await rx.stop();
	});

	it('runs every registered processor once through the engine, without an error', async () => {
		const ids = [...(h.world.processors.get(h.appId) ?? [])];
		// The app's seven processors, registered under the engine's `<id>_<app id>` names.
		expect(ids.map((id) => id.replace(`_${h.appId}`, '')).sort()).to.deep.equal([
			'accounts-photos',
			'admin-sample',
			'history-delivery',
			'log-retention',
			'points-compaction',
			'sync',
			'sync-once',
		]);
		const failures: string[] = [];
		for (const id of ids) {
			try {
				await h.sandbox.primary().engine.runJob(h.appId, id, `once-${id}`, undefined);
			} catch (err) {
				failures.push(`${id}: ${err instanceof Error ? err.message : String(err)}`);
			}
		}
		expect(failures, `on Apps-Engine ${h.sandbox.engineVersion}`).to.deep.equal([]);
	});

	it("writes a run's warnings into the app's log: a failed chat-history delivery", async () => {
		const room = h.createRoom('processor-log', ['admin'], 'c');
		await h.post(room, 'a message for the system of record');
		await h.waitFor(
			() => h.world.persistenceReadByAssociations(h.appId, [{ model: 'misc', id: 'ri:history-outbox' }]).length > 0,
			'the message in the outbox',
		);
		const before = h.world.appLogs.length;
		await h.waitFor(async () => {
			await h.sandbox.primary().engine.runJob(h.appId, `history-delivery_${h.appId}`, 'delivery', undefined);
			return rx.requests.length > 0;
		}, 'a delivery attempt');
		// The receiver refused the batch: the run warns, and the warning is in the log the engine stored.
		const warning = await h.waitFor(
			() =>
				h.world.appLogs
					.slice(before)
					.flatMap(logTexts)
					.find((t) => /chat history: 0 messages delivered in 1 batches, 1 failed attempt\(s\)/.test(t)),
			`the delivery warning in the app log (Apps-Engine ${h.sandbox.engineVersion})`,
		);
		expect(warning).to.include('HTTP 500');
	});

	it('delivers the refused batch once the receiver takes it (after the backoff)', async () => {
		rx.plan = () => 'ok';
		await h.waitFor(
			async () => {
				await h.sandbox.primary().engine.runJob(h.appId, `history-delivery_${h.appId}`, 'delivery', undefined);
				return rx.entries.some((e) => e.text === 'a message for the system of record');
			},
			'the delivered message',
			20_000,
		);
		expect(rx.entries.filter((e) => e.text === 'a message for the system of record')).to.have.length(1);
	});
});
