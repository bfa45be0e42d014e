/**
 * permissions.listAll and permissions.update as Rocket.Chat 7.10 answers them
 * (apps/meteor/tests/end-to-end/api/permissions.ts).
 */
import { expect } from 'chai';

import { Fidelity, fidelity, TestUser } from './server';

const PERMISSION_ERROR = 'User does not have the permissions required for this action [error-unauthorized]';

describe('[Permissions]', function () {
	this.timeout(30_000);
	let fx: Fidelity;

	before(async () => {
		fx = await fidelity();
	});
	after(() => fx.restorePermissions());

	describe('[/permissions.listAll]', () => {
		it('should return an array with update and remove properties', async () => {
			const res = await fx.get('permissions.listAll');
			expect(res.status).to.equal(200);
			expect(res.body.update).to.be.an('array').that.is.not.empty;
			expect(res.body.remove).to.be.an('array');
		});

		it('should return an array with update and remov properties when search by "updatedSince" query parameter', async () => {
			const res = await fx.get('permissions.listAll', { updatedSince: '2018-11-27T13:52:01Z' });
			expect(res.status).to.equal(200);
			expect(res.body.update).to.be.an('array');
			expect(res.body.remove).to.be.an('array');
		});

		it('should return an error when updatedSince query parameter is not a valid ISODate string', async () => {
			const res = await fx.get('permissions.listAll', { updatedSince: 'fsafdf' });
			expect(res.status).to.equal(400);
			expect(res.body.success).to.equal(false);
		});
	});

	describe('[/permissions.update]', () => {
		let user: TestUser;
		before(async () => {
			user = await fx.createUser();
			await fx.setPermission('access-permissions', ['admin']);
		});

		it('should change the permissions on the server', async () => {
			await fx.setPermission('add-oauth-service', ['admin']);
			const res = await fx.post('permissions.update', { permissions: [{ _id: 'add-oauth-service', roles: ['admin', 'user'] }] });
			expect(res.status).to.equal(200);
			const permissions = res.body.permissions as Array<{ _id: string; roles: string[]; _updatedAt: string }>;
			expect(permissions[0]).to.include.keys('_id', 'roles', '_updatedAt');
			expect(permissions[0].roles).to.be.an('array');
			expect(permissions.find((p) => p._id === 'add-oauth-service')?.roles).to.deep.equal(['admin', 'user']);
		});

		it('should 400 when trying to set an unknown permission', async () => {
			const res = await fx.post('permissions.update', { permissions: [{ _id: 'this-permission-does-not-exist', roles: ['admin'] }] });
			expect(res.status).to.equal(400);
			expect(res.body.success).to.equal(false);
		});

		it('should 400 when trying to assign a permission to an unknown role', async () => {
			const res = await fx.post('permissions.update', {
				permissions: [{ _id: 'add-oauth-service', roles: ['this-role-does-not-exist'] }],
			});
			expect(res.status).to.equal(400);
			expect(res.body.success).to.equal(false);
		});

		it('should 400 when trying to set permissions to a string', async () => {
			const res = await fx.post('permissions.update', { permissions: '' });
			expect(res.status).to.equal(400);
			expect(res.body.success).to.equal(false);
		});

		it('should fail updating permission if user does NOT have the access-permissions permission', async () => {
			const res = await fx.api.post(
				'permissions.update',
				{ permissions: [{ _id: 'add-oauth-service', roles: ['admin', 'user'] }] },
				user.creds,
			);
			expect(res.status).to.equal(403);
			expect(res.body).to.include({ success: false, error: PERMISSION_ERROR });
		});
	});
});
