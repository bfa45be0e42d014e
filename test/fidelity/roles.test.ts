/**
 * roles.* as a Rocket.Chat 7.10 Community server answers them (apps/meteor/tests/end-to-end/api/roles.ts;
 * the other cases need custom roles, an Enterprise feature).
 */
import { expect } from 'chai';

import { Fidelity, fidelity, TestUser } from './server';

const PERMISSION_ERROR = 'User does not have the permissions required for this action [error-unauthorized]';

describe('[Roles]', function () {
	this.timeout(30_000);
	let fx: Fidelity;
	let user: TestUser;

	before(async () => {
		fx = await fidelity();
		await fx.setPermission('access-permissions', ['admin']);
		user = await fx.createUser();
	});
	after(() => fx.restorePermissions());

	describe('[/roles.getUsersInRole]', () => {
		it('should fail when user does NOT have the access-permissions permission', async () => {
			const res = await fx.api.get('roles.getUsersInRole', { role: 'admin' }, user.creds);
			expect(res.status).to.equal(403);
			expect(res.body).to.include({ success: false, error: PERMISSION_ERROR });
		});
	});

	describe('[/roles.removeUserFromRole]', () => {
		it('should fail removing a user from a role when user does NOT have the access-permissions permission', async () => {
			// Without a license the role is never created: its id stays empty, as in Rocket.Chat's CE run.
			const res = await fx.api.post('roles.removeUserFromRole', { roleId: '', username: user.username }, user.creds);
			expect(res.status).to.equal(403);
			expect(res.body).to.include({ success: false, error: PERMISSION_ERROR });
		});
	});
});
