/**
 * groups.* (private rooms) as Rocket.Chat 7.10 answers them (apps/meteor/tests/end-to-end/api/groups.ts,
 * the cases for the endpoints the sandbox serves). A private room exists only for its members.
 */
import { expect } from 'chai';

import { Fidelity, fidelity, TestUser } from './server';

const PERMISSION_ERROR = 'User does not have the permissions required for this action [error-unauthorized]';

describe('[Groups]', function () {
	this.timeout(30_000);
	let fx: Fidelity;
	let group: { _id: string; name: string };

	before(async () => {
		fx = await fidelity();
		const res = await fx.post('groups.create', { name: fx.unique('api-private-channel') });
		expect(res.status).to.equal(200);
		expect(res.body.group).to.include({ t: 'p', msgs: 0 });
		group = res.body.group as { _id: string; name: string };
	});
	after(() => fx.restorePermissions());

	describe('/groups.create', () => {
		it("should fail when trying to use an existing room's name", async () => {
			const res = await fx.post('groups.create', { name: 'general' });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'error-duplicate-channel-name' });
		});
	});

	describe('/groups.info', () => {
		it('should return group basic structure', async () => {
			const name = fx.unique('info-private-channel-test');
			const created = await fx.createRoom('p', { name });
			const res = await fx.get('groups.info', { roomId: created._id });
			expect(res.status).to.equal(200);
			expect(res.body.group).to.include({ _id: created._id, name, t: 'p', msgs: 0 });
		});
	});

	describe('/groups.invite', () => {
		it('should invite user to group', async () => {
			const before = await fx.get('groups.info', { roomId: group._id });
			const res = await fx.post('groups.invite', { roomId: group._id, userId: 'rocket.cat' });
			expect(res.status).to.equal(200);
			// Rocket.Chat records the invitation as a system message ("added by"): one message more.
			expect(res.body.group).to.include({
				_id: group._id,
				name: group.name,
				t: 'p',
				msgs: (before.body.group as { msgs: number }).msgs + 1,
			});
		});
	});

	describe('/groups.addModerator', () => {
		it('should make user a moderator', async () => {
			const res = await fx.post('groups.addModerator', { roomId: group._id, userId: 'rocket.cat' });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true });
		});
	});

	describe('/groups.removeModerator', () => {
		it('should remove user from moderator', async () => {
			const res = await fx.post('groups.removeModerator', { roomId: group._id, userId: 'rocket.cat' });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true });
		});
	});

	describe('/groups.addLeader', () => {
		it('should add user as leader', async () => {
			const res = await fx.post('groups.addLeader', { roomId: group._id, userId: 'rocket.cat' });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true });
		});
	});

	describe('/groups.removeLeader', () => {
		it('should remove user from leader', async () => {
			const res = await fx.post('groups.removeLeader', { roomId: group._id, userId: 'rocket.cat' });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true });
		});
	});

	describe('/groups.kick', () => {
		let moderator: TestUser;
		let owner: TestUser;
		let member: TestUser;
		let kickGroup: { _id: string };
		const invite = async (userId: string) => {
			const res = await fx.api.post('groups.invite', { roomId: kickGroup._id, userId }, owner.creds);
			expect(res.status).to.equal(200);
		};

		before(async () => {
			moderator = await fx.createUser();
			owner = await fx.createUser();
			member = await fx.createUser();
			kickGroup = await fx.createRoom('p', { name: fx.unique('kick-test-group') }, owner.creds);
			await invite(moderator._id);
			const res = await fx.api.post('groups.addModerator', { roomId: kickGroup._id, userId: moderator._id }, owner.creds);
			expect(res.status).to.equal(200);
		});
		after(async () => {
			await fx.setPermission('kick-user-from-any-p-room', []);
			await fx.setPermission('remove-user', ['admin', 'owner', 'moderator']);
		});

		it("should return an error when user is not a member of the group and doesn't have permission", async () => {
			await fx.setPermission('kick-user-from-any-p-room', []);
			const res = await fx.post('groups.kick', { roomId: kickGroup._id, userId: member._id });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'error-room-not-found' });
		});

		it('should allow a moderator to remove user from group', async () => {
			await invite(member._id);
			const res = await fx.api.post('groups.kick', { roomId: kickGroup._id, userId: member._id }, moderator.creds);
			expect(res.status).to.equal(200);
		});

		it('should allow an owner to remove user from group', async () => {
			await invite(member._id);
			const res = await fx.api.post('groups.kick', { roomId: kickGroup._id, userId: member._id }, owner.creds);
			expect(res.status).to.equal(200);
		});

		it('should kick user from group if not a member of the room but has the required permission', async () => {
			await fx.setPermission('kick-user-from-any-p-room', ['admin']);
			await invite(member._id);
			const res = await fx.post('groups.kick', { roomId: group._id, userId: member._id });
			expect(res.status).to.equal(200);
		});

		it("should return an error when the owner doesn't have the required permission", async () => {
			await fx.setPermission('remove-user', ['admin', 'moderator']);
			await invite(member._id);
			const res = await fx.api.post('groups.kick', { roomId: kickGroup._id, userId: member._id }, owner.creds);
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'error-not-allowed' });
		});

		it('should return an error when trying to kick the last owner from a group', async () => {
			await fx.setPermission('kick-user-from-any-p-room', ['admin']);
			const res = await fx.post('groups.kick', { roomId: kickGroup._id, userId: owner._id });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'error-you-are-last-owner' });
		});
	});

	describe('/groups.setTopic', () => {
		it('should set the topic of the group with a string', async () => {
			const res = await fx.post('groups.setTopic', { roomId: group._id, topic: 'this is a topic of a channel for api tests' });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true, topic: 'this is a topic of a channel for api tests' });
		});

		it('should set the topic of the group with an empty string(remove the topic)', async () => {
			const res = await fx.post('groups.setTopic', { roomId: group._id, topic: '' });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true, topic: '' });
		});
	});

	describe('/groups.history', () => {
		it('should return groups history when searching by roomId', async () => {
			const res = await fx.get('groups.history', { roomId: group._id });
			expect(res.status).to.equal(200);
			expect(res.body.messages).to.be.an('array');
		});

		it('should return groups history when searching by roomId even requested with count and offset params', async () => {
			const res = await fx.get('groups.history', { roomId: group._id, count: 5, offset: 0 });
			expect(res.status).to.equal(200);
			expect(res.body.messages).to.be.an('array').with.length.at.most(5);
		});
	});

	describe('/groups.members', () => {
		it('should return group members when searching by roomId', async () => {
			const res = await fx.get('groups.members', { roomId: group._id });
			expect(res.status).to.equal(200);
			expect(res.body).to.include.keys('count', 'total', 'offset');
			expect(res.body.members).to.be.an('array');
		});

		it('should return group members when searching by roomId even requested with count and offset params', async () => {
			const res = await fx.get('groups.members', { roomId: group._id, count: 5, offset: 0 });
			expect(res.status).to.equal(200);
			expect(res.body).to.include.keys('count', 'total', 'offset');
			expect(res.body.members).to.be.an('array');
		});
	});

	describe('/groups.listAll', () => {
		before(() => fx.setPermission('view-room-administration', ['admin']));
		after(() => fx.setPermission('view-room-administration', ['admin']));

		it('should succeed if user has view-room-administration permission', async () => {
			const res = await fx.get('groups.listAll');
			expect(res.status).to.equal(200);
			expect(res.body.groups).to.be.an('array');
		});

		it('should fail if the user doesnt have view-room-administration permission', async () => {
			await fx.setPermission('view-room-administration', []);
			const res = await fx.get('groups.listAll');
			expect(res.status).to.equal(403);
			expect(res.body).to.include({ success: false, error: PERMISSION_ERROR });
		});
	});

	describe('/groups.setCustomFields', () => {
		let withFields: { _id: string };
		before(async () => {
			withFields = await fx.createRoom('p', { name: fx.unique('channel.cf'), customFields: { field0: 'value0' } });
		});

		it('get customFields using groups.info', async () => {
			const res = await fx.get('groups.info', { roomId: withFields._id });
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('group.customFields.field0', 'value0');
		});
	});

	describe('/groups.delete', () => {
		let testGroup: { _id: string; name: string };
		before(async () => {
			testGroup = await fx.createRoom('p');
		});

		it('should succesfully delete a group', async () => {
			const res = await fx.post('groups.delete', { roomName: testGroup.name });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true });
		});

		it(`should fail retrieving a group's info after it's been deleted`, async () => {
			const res = await fx.get('groups.info', { roomId: testGroup._id });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, errorType: 'error-room-not-found' });
		});
	});

	describe('/groups.roles', () => {
		let testGroup: { _id: string };
		before(async () => {
			testGroup = await fx.createRoom('p', { name: fx.unique('group.roles.test') });
		});

		it('/groups.invite', async () => {
			const res = await fx.post('groups.invite', { roomId: testGroup._id, userId: 'rocket.cat' });
			expect(res.status).to.equal(200);
		});

		it('/groups.addModerator', async () => {
			const res = await fx.post('groups.addModerator', { roomId: testGroup._id, userId: 'rocket.cat' });
			expect(res.status).to.equal(200);
		});

		it('/groups.addLeader', async () => {
			const res = await fx.post('groups.addLeader', { roomId: testGroup._id, userId: 'rocket.cat' });
			expect(res.status).to.equal(200);
		});

		it('should return an array of roles <-> user relationships in a private group', async () => {
			const res = await fx.get('groups.roles', { roomId: testGroup._id });
			expect(res.status).to.equal(200);
			const roles = res.body.roles as Array<{ _id: string; rid: string; roles: string[]; u: { _id: string; username: string } }>;
			expect(roles).to.have.lengthOf(2);
			// One entry per member holding a room role, by username: the bot (moderator and leader) and the owner.
			expect(roles.map((r) => r.u.username)).to.deep.equal([...roles.map((r) => r.u.username)].sort());
			for (const r of roles) {
				expect(r._id).to.be.a('string');
				expect(r.rid).to.equal(testGroup._id);
				expect(r.u._id).to.be.a('string');
			}
			expect(roles.find((r) => r.u.username === 'rocket.cat')?.roles).to.include.members(['moderator', 'leader']);
			expect(roles.find((r) => r.u.username === fx.admin.username)?.roles).to.include('owner');
		});
	});

	describe('/groups.moderators', () => {
		let testGroup: { _id: string };
		before(async () => {
			testGroup = await fx.createRoom('p', { name: fx.unique('group.roles.test') });
		});

		it('/groups.invite', async () => {
			const res = await fx.post('groups.invite', { roomId: testGroup._id, userId: 'rocket.cat' });
			expect(res.status).to.equal(200);
		});

		it('/groups.addModerator', async () => {
			const res = await fx.post('groups.addModerator', { roomId: testGroup._id, userId: 'rocket.cat' });
			expect(res.status).to.equal(200);
		});

		it('should return an array of moderators with rocket.cat as a moderator', async () => {
			const res = await fx.get('groups.moderators', { roomId: testGroup._id });
			expect(res.status).to.equal(200);
			const moderators = res.body.moderators as Array<{ username: string }>;
			expect(moderators).to.have.lengthOf(1);
			expect(moderators[0].username).to.equal('rocket.cat');
		});
	});
});
