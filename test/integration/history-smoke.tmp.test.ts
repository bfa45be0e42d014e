import { expect } from 'chai';

import { Harness } from './harness';
import { HistoryReceiver } from './history-receiver';

describe('history smoke (temporary)', function () {
	this.timeout(120_000);
	let h: Harness;
	const rx = new HistoryReceiver();
	before(async () => {
		await rx.start();
		h = await Harness.start({ settings: { history_enabled: true, history_all_rooms: true, history_url: rx.url, api_outbound_key: 'outbound-key-0123456789' } });
	});
	after(async () => {
		await h?.stop();
		await rx.stop();
	});
	it('delivers', async () => {
		const room = h.createRoom('smoke', ['admin'], 'c');
		const t0 = Date.now();
		for (let i = 0; i < 5; i++) await h.post(room, `m${i}`);
		await h.sandbox.quiesce();
		console.log('post+quiesce', Date.now() - t0, [...h.world.persistence.values()].length);
		let clock = Date.now();
		await h.waitFor(async () => {
			clock = Math.max(clock, Date.now()) + 10_001;
			await h.runDueJobs(clock);
			return rx.entries.length >= 5;
		}, 'delivery', 20_000);
		console.log(rx.entries, rx.requests);
		expect(rx.entries.map((e) => e.text)).to.deep.equal(['m0', 'm1', 'm2', 'm3', 'm4']);
		await h.command(room, 'integration', 'status');
		const text = await h.waitFor(() => h.world.ephemeral.map((e) => e.text).find((t) => t.includes('Chat history')), 'status');
		console.log(text);
	});
});
