/**
 * channels.* (public rooms) as Rocket.Chat 7.10 answers them (apps/meteor/tests/end-to-end/api/channels.ts,
 * the cases for the endpoints the sandbox serves).
 */
import { expect } from 'chai';

import { Fidelity, fidelity, TestUser } from './server';

const PERMISSION_ERROR = 'User does not have the permissions required for this action [error-unauthorized]';

describe('[Channels]', function () {
	this.timeout(30_000);
	let fx: Fidelity;

	before(async () => {
		fx = await fidelity();
	});
	after(() => fx.restorePermissions());

	/** A member of a private and a public room (created by them) and an outsider, as the visibility cases use. */
	async function visibilityFixture(): Promise<{
		outsider: TestUser;
		inside: TestUser;
		privateRoom: { _id: string };
		publicRoom: { _id: string };
	}> {
		const [outsider, inside] = await Promise.all([fx.createUser(), fx.createUser()]);
		const privateRoom = await fx.createRoom('p', {}, inside.creds);
		const publicRoom = await fx.createRoom('c', {}, inside.creds);
		return { outsider, inside, privateRoom, publicRoom };
	}

	describe('[/channels.create]', () => {
		it("should fail when trying to use an existing room's name", async () => {
			const res = await fx.post('channels.create', { name: 'general' });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'error-duplicate-channel-name' });
		});
	});

	describe('[/channels.info]', () => {
		let name: string;
		let testChannel: { _id: string };
		before(() => {
			name = fx.unique('api-channel-test');
		});

		it('creating new channel...', async () => {
			const res = await fx.post('channels.create', { name });
			expect(res.status).to.equal(200);
			testChannel = res.body.channel as { _id: string };
		});

		it('should fail to create the same channel twice', async () => {
			const res = await fx.post('channels.create', { name });
			expect(res.status).to.equal(400);
			expect(res.body.success).to.equal(false);
			expect(res.body.error).to.contain('error-duplicate-channel-name');
		});

		it('should return channel basic structure', async () => {
			const res = await fx.get('channels.info', { roomId: testChannel._id });
			expect(res.status).to.equal(200);
			expect(res.body.channel).to.include({ _id: testChannel._id, name, t: 'c', msgs: 0 });
		});

		describe('Additional Visibility Tests', () => {
			let v: Awaited<ReturnType<typeof visibilityFixture>>;
			before(async () => {
				v = await visibilityFixture();
			});

			it('should not fetch private room info by user not part of room', async () => {
				const res = await fx.api.get('channels.info', { roomId: v.privateRoom._id }, v.outsider.creds);
				expect(res.status).to.equal(400);
				expect(res.body.success).to.equal(false);
			});

			it('should not fetch private room info by user who is part of the room', async () => {
				const res = await fx.api.get('channels.info', { roomId: v.privateRoom._id }, v.inside.creds);
				expect(res.status).to.equal(400);
				expect(res.body.success).to.equal(false);
			});

			it('should fetch public room info by user who is part of the room', async () => {
				const res = await fx.api.get('channels.info', { roomId: v.publicRoom._id }, v.inside.creds);
				expect(res.status).to.equal(200);
				expect(res.body).to.have.property('channel');
			});

			it('should fetch public room info by user not part of room - because public', async () => {
				const res = await fx.api.get('channels.info', { roomId: v.publicRoom._id }, v.outsider.creds);
				expect(res.status).to.equal(200);
				expect(res.body).to.have.property('channel');
			});
		});
	});

	describe('[/channels.join]', () => {
		let noCode: { _id: string };
		before(async () => {
			const owner = await fx.createUser();
			noCode = await fx.createRoom('c', { name: fx.unique('api-channel-nojoincode') }, owner.creds);
		});

		it('should fail if invalid channel', async () => {
			const res = await fx.post('channels.join', { roomId: 'invalid' });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'error-room-not-found' });
		});

		describe('code-free channel', () => {
			it('should succeed when joining code-free channel without join code', async () => {
				const res = await fx.post('channels.join', { roomId: noCode._id });
				expect(res.status).to.equal(200);
				expect(res.body).to.have.nested.property('channel._id', noCode._id);
			});
		});
	});

	describe('/channels.setCustomFields:', () => {
		let withFields: { _id: string };

		it('create channel with customFields', async () => {
			const res = await fx.post('channels.create', { name: fx.unique('channel.cf'), customFields: { field0: 'value0' } });
			expect(res.status).to.equal(200);
			withFields = res.body.channel as { _id: string };
		});

		it('get customFields using channels.info', async () => {
			const res = await fx.get('channels.info', { roomId: withFields._id });
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('channel.customFields.field0', 'value0');
		});

		it('create channel without customFields', async () => {
			const res = await fx.post('channels.create', { name: fx.unique('channel.cf') });
			expect(res.status).to.equal(200);
			expect(res.body.channel).to.not.have.property('customFields');
		});
	});

	describe('[/channels.messages]', () => {
		let emptyChannel: { _id: string };
		let testChannel: { _id: string };
		before(async () => {
			await fx.setPermission('view-c-room', ['admin', 'user', 'bot', 'app', 'anonymous']);
			emptyChannel = await fx.createRoom('c', { name: fx.unique('channels.messages.empty.test') });
			testChannel = await fx.createRoom('c', { name: fx.unique('channels.messages.test') });
			await fx.message(testChannel._id, 'A simple message');
		});
		after(() => fx.setPermission('view-c-room', ['admin', 'user', 'bot', 'app', 'anonymous']));

		it('should return an empty array of messages when inspecting a new room', async () => {
			const res = await fx.get('channels.messages', { roomId: emptyChannel._id });
			expect(res.status).to.equal(200);
			expect(res.body.messages).to.be.an('array').that.is.empty;
			expect(res.body).to.include({ count: 0, total: 0 });
		});

		it('should not return message when the user does NOT have the necessary permission', async () => {
			await fx.setPermission('view-c-room', []);
			const res = await fx.get('channels.messages', { roomId: testChannel._id });
			await fx.setPermission('view-c-room', ['admin', 'user', 'bot', 'app', 'anonymous']);
			expect(res.status).to.equal(403);
			expect(res.body).to.include({ success: false, error: PERMISSION_ERROR });
		});

		describe('Additional Visibility Tests', () => {
			let v: Awaited<ReturnType<typeof visibilityFixture>>;
			before(async () => {
				v = await visibilityFixture();
			});

			it('should not fetch private room messages by user not part of room', async () => {
				const res = await fx.api.get('channels.messages', { roomId: v.privateRoom._id }, v.outsider.creds);
				expect(res.status).to.equal(400);
				expect(res.body.success).to.equal(false);
			});

			it('should not fetch private room messages by user who is part of the room', async () => {
				const res = await fx.api.get('channels.messages', { roomId: v.privateRoom._id }, v.inside.creds);
				expect(res.status).to.equal(400);
				expect(res.body.success).to.equal(false);
			});

			it('should fetch public room messages by user who is part of the room', async () => {
				const res = await fx.api.get('channels.messages', { roomId: v.publicRoom._id }, v.inside.creds);
				expect(res.status).to.equal(200);
				expect(res.body.messages).to.be.an('array');
			});

			it('should fetch public room messages by user not part of room - because public', async () => {
				await fx.setPermission('view-c-room', ['admin', 'user', 'guest']);
				const res = await fx.api.get('channels.messages', { roomId: v.publicRoom._id }, v.outsider.creds);
				expect(res.status).to.equal(200);
				expect(res.body.messages).to.be.an('array');
			});
		});
	});
});
