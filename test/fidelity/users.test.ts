/**
 * users.* as Rocket.Chat 7.10 answers them (apps/meteor/tests/end-to-end/api/users.ts, the cases for
 * the endpoints the sandbox serves). Describe and case titles follow Rocket.Chat's so each case maps
 * to the one it pins (test/fidelity/rc-cases.ts).
 */
import { expect } from 'chai';

import { Fidelity, fidelity, fileForm, TestUser } from './server';

const RESERVED = ['admin', 'administrator', 'system', 'user'];
const PERMISSION_ERROR = 'User does not have the permissions required for this action [error-unauthorized]';
/** A 1x1 PNG, the image the avatar cases upload. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const imageForm = (fields: Record<string, string> = {}) => fileForm('image', { data: PNG, name: 'avatar.png', type: 'image/png' }, fields);

describe('[Users]', function () {
	this.timeout(30_000);
	let fx: Fidelity;
	let target: TestUser;

	before(async () => {
		fx = await fidelity();
		target = await fx.createUser({ active: true, roles: ['user'], joinDefaultChannels: true, verified: true });
	});
	after(() => fx.restorePermissions());

	describe('[/users.create]', () => {
		for (const name of RESERVED) {
			it(`should not create a new user if username is the reserved word ${name}`, async () => {
				const res = await fx.post('users.create', {
					email: `${fx.unique('reserved')}@rocket.chat`,
					name: 'Reserved',
					username: name,
					password: 'password',
					active: true,
					roles: ['user'],
					joinDefaultChannels: true,
					verified: true,
				});
				expect(res.status).to.equal(400);
				expect(res.body).to.include({ success: false, error: `${name} is blocked and can't be used! [error-blocked-username]` });
			});
		}

		describe('users default roles configuration', () => {
			it('should create a new user with only the role provided', async () => {
				const username = fx.unique('defaultUserRole');
				const email = `${username}@rocket.chat`;
				const res = await fx.post('users.create', { email, name: username, username, password: 'password', roles: ['guest'] });
				expect(res.status).to.equal(200);
				const user = res.body.user as Record<string, unknown>;
				expect(user).to.include({ username, active: true, name: username });
				expect(user.emails).to.deep.equal([{ address: email, verified: false }]);
				expect(user.roles).to.have.members(['guest']);
				// Rocket.Chat's test deletes this account; deactivating it keeps the idle-guest count below exact.
				await fx.post('users.setActiveStatus', { userId: user._id, activeStatus: false });
			});
		});
	});

	describe('[/users.info]', () => {
		let room: { _id: string };
		before(async () => {
			room = await fx.createRoom('c', { members: [target.username] });
		});

		it('should return an error when the user does not exist', async () => {
			const res = await fx.get('users.info', { username: 'invalid-username' });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'User not found.' });
		});

		it('should query information about a user by userId', async () => {
			const res = await fx.get('users.info', { userId: target._id });
			expect(res.status).to.equal(200);
			expect(res.body.user).to.include({ username: target.username, active: true, name: target.username });
			expect(res.body.user).to.not.have.property('e2e');
		});

		it('should return "rooms" property when user request it and the user has the necessary permission (admin, "view-other-user-channels")', async () => {
			const res = await fx.get('users.info', { userId: target._id, includeUserRooms: true });
			expect(res.status).to.equal(200);
			const rooms = (res.body.user as { rooms: Array<{ rid: string; unread?: number }> }).rooms;
			expect(rooms).to.be.an('array');
			expect(rooms.find((r) => r.rid === room._id)).to.have.property('unread');
		});

		it('should NOT return "rooms" property when user NOT request it but the user has the necessary permission (admin, "view-other-user-channels")', async () => {
			const res = await fx.get('users.info', { userId: target._id });
			expect(res.status).to.equal(200);
			expect(res.body.user).to.not.have.property('rooms');
		});

		it('should return the rooms when the user request your own rooms but he does NOT have the necessary permission', async () => {
			await fx.setPermission('view-other-user-channels', []);
			const res = await fx.get('users.info', { userId: fx.admin['X-User-Id'], includeUserRooms: true });
			expect(res.status).to.equal(200);
			const rooms = (res.body.user as { rooms: unknown[] }).rooms;
			expect(rooms).to.have.length.of.at.least(1);
			expect(rooms[0]).to.have.property('unread');
		});

		it("should NOT return the rooms when the user request another user's rooms and he does NOT have the necessary permission", async () => {
			await fx.setPermission('view-other-user-channels', []);
			const res = await fx.get('users.info', { userId: target._id, fields: JSON.stringify({ userRooms: 1 }) });
			expect(res.status).to.equal(200);
			expect(res.body.user).to.not.have.property('rooms');
		});

		it("should NOT return any services fields when request to another user's info even if the user has the necessary permission", async () => {
			await fx.setPermission('view-full-other-user-info', ['admin']);
			const res = await fx.get('users.info', { userId: target._id });
			expect(res.status).to.equal(200);
			expect(res.body.user).to.not.have.property('services');
		});

		it('should return all services fields when request for myself data even without privileged permission', async () => {
			await fx.setPermission('view-full-other-user-info', []);
			const res = await fx.get('users.info', { userId: fx.admin['X-User-Id'] });
			expect(res.status).to.equal(200);
			expect(res.body.user).to.have.nested.property('services.password');
			expect(res.body.user).to.have.nested.property('services.resume');
		});

		it('should correctly route users that have `ufs` in their username', async () => {
			const username = fx.unique('ufs');
			await fx.createUser({ username, name: 'testuser', email: `${username}@email.com`, password: '1234' });
			const res = await fx.get('users.info', { username });
			expect(res.status).to.equal(200);
			expect(res.body.user).to.include({ type: 'user', name: 'testuser', username, active: true });
		});
	});

	describe('[/users.list]', () => {
		let deactivated: TestUser;
		let plain: TestUser;
		before(async () => {
			deactivated = await fx.createUser({ active: false });
			plain = await fx.createUser({ joinDefaultChannels: false });
		});

		it('should query all users in the system', async () => {
			const res = await fx.get('users.list');
			expect(res.status).to.equal(200);
			expect(res.body).to.include.keys('count', 'total', 'offset', 'users');
			const me = (res.body.users as Array<{ username: string }>).find((u) => u.username === fx.admin.username);
			expect(me).to.not.have.property('e2e');
		});

		it('should sort for user statuses and check if deactivated user is correctly sorted', async () => {
			const res = await fx.get('users.list', {
				fields: JSON.stringify({ username: 1, _id: 1, active: 1, status: 1 }),
				sort: JSON.stringify({ status: 1 }),
				count: 0,
			});
			expect(res.status).to.equal(200);
			expect(res.body).to.include.keys('count', 'total', 'users');
			const found = (res.body.users as Array<{ _id: string; active: boolean }>).find((u) => u._id === deactivated._id);
			expect(found).to.have.property('active', false);
		});

		it('should query all users in the system by name', async () => {
			const res = await fx.get('users.list', { 'name[$regex]': 'g', sort: JSON.stringify({ createdAt: -1 }) });
			expect(res.status).to.equal(200);
			expect(res.body).to.include.keys('count', 'total');
		});

		it('should query all users in the system when logged as normal user and `view-outside-room` not granted', async () => {
			await fx.setPermission('view-outside-room', ['admin']);
			const res = await fx.api.get('users.list', {}, plain.creds);
			expect(res.status).to.equal(200);
			expect(res.body).to.include.keys('count', 'total');
		});
	});

	describe('Avatars', () => {
		let user: TestUser;
		before(async () => {
			user = await fx.createUser();
			await fx.setPermission('edit-other-user-avatar', ['admin', 'user']);
		});
		after(() => fx.setPermission('edit-other-user-avatar', ['admin']));

		const upload = (as: TestUser['creds'], fields?: Record<string, string>) =>
			fx.api.request('POST', 'users.setAvatar', { form: imageForm(fields), as });

		describe('[/users.setAvatar]', () => {
			it('should set the avatar of the logged user by a local image', async () => {
				const res = await upload(user.creds);
				expect(res.status).to.equal(200);
				expect(res.body).to.include({ success: true });
			});

			it('should update the avatar of another user by userId when the logged user has the necessary permission (edit-other-user-avatar)', async () => {
				const res = await upload(user.creds, { userId: fx.admin['X-User-Id'] });
				expect(res.status).to.equal(200);
				expect(res.body).to.include({ success: true });
			});

			it('should set the avatar of another user by username and local image when the logged user has the necessary permission (edit-other-user-avatar)', async () => {
				const res = await upload(fx.admin, { username: fx.admin.username });
				expect(res.status).to.equal(200);
				expect(res.body).to.include({ success: true });
			});

			it("should prevent from updating someone else's avatar when the logged user doesn't have the necessary permission(edit-other-user-avatar)", async () => {
				await fx.setPermission('edit-other-user-avatar', []);
				const res = await upload(user.creds, { userId: fx.admin['X-User-Id'] });
				expect(res.status).to.equal(400);
				expect(res.body).to.include({ success: false, error: 'Not allowed [error-not-allowed]' });
			});

			it('should prevent users from passing server-side request forgery (SSRF) payloads as avatarUrl', async () => {
				// Rocket.Chat's case before this one (a setting this suite leaves at its default) gives the admin the permission back.
				await fx.setPermission('edit-other-user-avatar', ['admin']);
				const res = await fx.post('users.setAvatar', { userId: user._id, avatarUrl: 'http://169.254.169.254/' });
				expect(res.status).to.equal(400);
				expect(res.body).to.include({ success: false, errorType: 'error-avatar-invalid-url' });
			});
		});

		describe('[/users.resetAvatar]', () => {
			before(() => fx.setPermission('edit-other-user-avatar', ['admin', 'user']));

			it('should set the avatar of the logged user by a local image', async () => {
				const res = await upload(user.creds);
				expect(res.status).to.equal(200);
				expect(res.body).to.include({ success: true });
			});

			it('should reset the avatar of the logged user', async () => {
				const res = await fx.api.post('users.resetAvatar', { userId: user._id }, user.creds);
				expect(res.status).to.equal(200);
				expect(res.body).to.include({ success: true });
			});

			it('should reset the avatar of another user by userId when the logged user has the necessary permission (edit-other-user-avatar)', async () => {
				const res = await fx.api.post('users.resetAvatar', { userId: fx.admin['X-User-Id'] }, user.creds);
				expect(res.status).to.equal(200);
				expect(res.body).to.include({ success: true });
			});

			it('should reset the avatar of another user by username and local image when the logged user has the necessary permission (edit-other-user-avatar)', async () => {
				const res = await fx.post('users.resetAvatar', { username: fx.admin.username });
				expect(res.status).to.equal(200);
				expect(res.body).to.include({ success: true });
			});

			it("should prevent from resetting someone else's avatar when the logged user doesn't have the necessary permission(edit-other-user-avatar)", async () => {
				await fx.setPermission('edit-other-user-avatar', []);
				const res = await fx.api.post('users.resetAvatar', { userId: fx.admin['X-User-Id'] }, user.creds);
				expect(res.status).to.equal(400);
				expect(res.body).to.include({ success: false, error: 'Reset avatar is not allowed [error-not-allowed]' });
			});
		});
	});

	describe('[/users.update]', () => {
		let subject: TestUser;
		before(async () => {
			subject = await fx.createUser({ roles: ['user'] });
		});

		it("should update a user's info by userId", async () => {
			const edited = fx.unique('edited');
			const email = `${edited}@rocket.chat`;
			const res = await fx.post('users.update', {
				userId: subject._id,
				data: { email, name: edited, username: edited, password: 'password', active: true, roles: ['user'] },
			});
			expect(res.status).to.equal(200);
			expect(res.body.user).to.include({ username: edited, active: true, name: edited });
			expect(res.body).to.have.nested.property('user.emails[0].address', email);
			expect(res.body.user).to.not.have.property('e2e');
		});

		it("should update a user's email by userId", async () => {
			const email = `${fx.unique('edited')}@rocket.chat`;
			const res = await fx.post('users.update', { userId: subject._id, data: { email } });
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('user.emails[0].address', email);
			expect(res.body).to.have.nested.property('user.emails[0].verified', false);
		});

		it("should update a user's bio by userId", async () => {
			const res = await fx.post('users.update', { userId: subject._id, data: { bio: 'edited-bio-test' } });
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('user.bio', 'edited-bio-test');
		});

		it("should update a user's nickname by userId", async () => {
			const res = await fx.post('users.update', { userId: subject._id, data: { nickname: 'edited-nickname-test' } });
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('user.nickname', 'edited-nickname-test');
		});

		it('should return an error when trying to set a nickname longer than 120 characters', async () => {
			const res = await fx.post('users.update', { userId: subject._id, data: { nickname: 'n'.repeat(121) } });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'Nickname size exceeds 120 characters [error-nickname-size-exceeded]' });
		});

		it('should return an error when trying to set a bio longer than 260 characters', async () => {
			const res = await fx.post('users.update', { userId: subject._id, data: { bio: 'b'.repeat(261) } });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'Bio size exceeds 260 characters [error-bio-size-exceeded]' });
		});

		it('should return an error when trying to upsert a user by sending an empty userId', async () => {
			const res = await fx.post('users.update', { userId: '', data: {} });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({
				success: false,
				errorType: 'invalid-params',
				error: 'must NOT have fewer than 1 characters [invalid-params]',
			});
		});

		it('should return an error when trying to use the joinDefaultChannels param, which is not intended for updates', async () => {
			const res = await fx.post('users.update', { userId: subject._id, data: { joinDefaultChannels: true } });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({
				success: false,
				errorType: 'invalid-params',
				error: 'must NOT have additional properties [invalid-params]',
			});
		});

		it("should update a bot's email", async () => {
			const res = await fx.post('users.update', { userId: 'rocket.cat', data: { email: `${fx.unique('nouser')}@rocket.cat` } });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true });
		});

		it("should verify user's email by userId", async () => {
			const res = await fx.post('users.update', { userId: subject._id, data: { verified: true } });
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('user.emails[0].verified', true);
		});

		describe('email verification', () => {
			let admin: TestUser;
			let toUpdate: TestUser;
			beforeEach(async () => {
				admin = await fx.createUser({ roles: ['admin'] });
				toUpdate = await fx.createUser();
			});

			it("should update user's email verified correctly", async () => {
				const res = await fx.api.post('users.update', { userId: toUpdate._id, data: { verified: true } }, admin.creds);
				expect(res.status).to.equal(200);
				expect(res.body).to.have.nested.property('user.emails[0].verified', true);
			});

			it("should update user's email verified even if email is not changed", async () => {
				const res = await fx.api.post(
					'users.update',
					{ userId: toUpdate._id, data: { email: toUpdate.email, verified: true } },
					admin.creds,
				);
				expect(res.status).to.equal(200);
				expect(res.body).to.have.nested.property('user.emails[0].verified', true);
			});
		});

		for (const name of RESERVED) {
			it(`should not update an user if the new username is the reserved word ${name}`, async () => {
				const res = await fx.post('users.update', { userId: subject._id, data: { username: name } });
				expect(res.status).to.equal(400);
				expect(res.body).to.include({ success: false, error: 'Could not save user identity [error-could-not-save-identity]' });
			});
		}
	});

	describe('[/users.setActiveStatus]', () => {
		let user: TestUser;
		before(async () => {
			user = await fx.createUser();
			await fx.setPermission('edit-other-user-active-status', ['admin', 'user']);
			await fx.setPermission('manage-moderation-actions', ['admin']);
		});
		after(() => fx.setPermission('edit-other-user-active-status', ['admin']));

		it('should set other user active status to false when the logged user has the necessary permission(edit-other-user-active-status)', async () => {
			const res = await fx.api.post('users.setActiveStatus', { activeStatus: false, userId: target._id }, user.creds);
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('user.active', false);
		});

		it('should set other user active status to true when the logged user has the necessary permission(edit-other-user-active-status)', async () => {
			const res = await fx.api.post('users.setActiveStatus', { activeStatus: true, userId: target._id }, user.creds);
			expect(res.status).to.equal(200);
			expect(res.body).to.have.nested.property('user.active', true);
		});

		it('should return an error when trying to set other user active status and has not the necessary permission(edit-other-user-active-status)', async () => {
			await fx.setPermission('edit-other-user-active-status', []);
			const res = await fx.api.post('users.setActiveStatus', { activeStatus: false, userId: target._id }, user.creds);
			expect(res.status).to.equal(403);
			expect(res.body).to.include({ success: false, error: PERMISSION_ERROR });
		});

		it('should return an error when trying to set user own active status and has not the necessary permission(edit-other-user-active-status)', async () => {
			const res = await fx.api.post('users.setActiveStatus', { activeStatus: false, userId: user._id }, user.creds);
			expect(res.status).to.equal(403);
			expect(res.body).to.include({ success: false, error: PERMISSION_ERROR });
		});

		it('should set user own active status to false when the user has the necessary permission(edit-other-user-active-status)', async () => {
			await fx.setPermission('edit-other-user-active-status', ['admin']);
			const res = await fx.api.post('users.setActiveStatus', { activeStatus: false, userId: user._id }, user.creds);
			expect(res.status).to.equal(403);
			expect(res.body).to.include({ success: false, error: PERMISSION_ERROR });
		});

		it('users should retain their roles when they are deactivated', async () => {
			const agent = await fx.createUser({ roles: ['user', 'livechat-agent'] });
			const res = await fx.post('users.setActiveStatus', { activeStatus: false, userId: agent._id });
			expect(res.status).to.equal(200);
			const info = await fx.get('users.info', { username: agent.username });
			expect((info.body.user as { roles: string[] }).roles).to.have.members(['user', 'livechat-agent']);
		});
	});

	describe('[/users.deactivateIdle]', () => {
		before(async () => {
			const idle = await fx.createUser();
			const res = await fx.post('roles.addUserToRole', { roleId: 'guest', username: idle.username });
			expect(res.status).to.equal(200);
		});
		after(() => fx.setPermission('edit-other-user-active-status', ['admin']));

		it('should fail to deactivate if user doesnt have edit-other-user-active-status permission', async () => {
			await fx.setPermission('edit-other-user-active-status', []);
			const res = await fx.post('users.deactivateIdle', { daysIdle: 0 });
			expect(res.status).to.equal(403);
			expect(res.body).to.include({ success: false, error: PERMISSION_ERROR });
		});

		it('should deactivate no users when no users in time range', async () => {
			await fx.setPermission('edit-other-user-active-status', ['admin']);
			const res = await fx.post('users.deactivateIdle', { daysIdle: 999999 });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true, count: 0 });
		});

		it('should deactivate the test user when given its role and daysIdle = 0', async () => {
			const res = await fx.post('users.deactivateIdle', { daysIdle: 0, role: 'guest' });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true, count: 1 });
		});

		it('should not deactivate the test user again when given its role and daysIdle = 0', async () => {
			const res = await fx.post('users.deactivateIdle', { daysIdle: 0, role: 'guest' });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true, count: 0 });
		});
	});
});
