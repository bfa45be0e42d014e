import { expect } from 'chai';

import { Harness } from './harness';

describe('app shell: admin command, OpenAPI, front door', function () {
	this.timeout(60_000);
	let h: Harness;
	let roomId: string;

	before(async () => {
		h = await Harness.start();
		roomId = h.createRoom('ops', ['admin']);
	});
	after(async () => {
		await h?.stop();
	});

	const noticesFor = (userId: string) => h.world.ephemeral.filter((e) => e.userId === userId).map((e) => e.text);

	it('answers /integration status privately with what the settings lack', async () => {
		await h.sandbox.configureApp({ api_outbound_key: '', history_enabled: true });
		try {
			const res = await h.command(roomId, 'integration', 'status');
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
			const text = await h.waitFor(() => noticesFor(h.admin.userId).find((t) => t.includes('Configuration')), 'the status reply');
			expect(text).to.include('Chat history URL');
			expect(h.messages(roomId)).to.have.length(0);
		} finally {
			await h.sandbox.configureApp({ history_enabled: false });
		}
	});

	it('lists the sub-commands for help and for an unknown sub-command', async () => {
		await h.command(roomId, 'integration', 'frobnicate');
		const text = await h.waitFor(
			() => noticesFor(h.admin.userId).find((t) => t.includes('frobnicate')),
			'the unknown sub-command reply',
		);
		expect(text).to.match(/Unknown sub-command/);
		await h.waitFor(() => noticesFor(h.admin.userId).some((t) => t.includes('/integration status')), 'the help list');
	});

	it('refuses /integration to a non-admin, in their language', async () => {
		const ana = await h.createUser('ana.user');
		h.world.addMember(roomId, ana.userId);
		await h.command(roomId, 'integration', 'status', ana.creds);
		const text = await h.waitFor(() => noticesFor(ana.userId)[0], 'the refusal');
		expect(text).to.equal('Only administrators can use /integration.');
	});

	it('serves the OpenAPI description without a key, and nothing else without one', async () => {
		const doc = await h.app<{ openapi: string; paths: Record<string, unknown> }>('GET', 'openapi.json', undefined, { key: null });
		expect(doc.status).to.equal(200);
		expect(doc.body.openapi).to.match(/^3\./);
		expect(doc.body.paths).to.have.property('/openapi.json');
		const wrongMethod = await h.app('DELETE', 'openapi.json', undefined, { key: null });
		expect(wrongMethod.status).to.equal(405);
		expect(wrongMethod.body).to.deep.equal({ error: 'method-not-allowed' });
	});
});
