/**
 * commands.run as Rocket.Chat 7.10 answers it (apps/meteor/tests/end-to-end/api/commands.ts, the
 * cases for the endpoints the sandbox serves): its parameter checks in order, the thread check, and
 * the built-in `tableflip`, `archive` and `unarchive` commands.
 */
import { expect } from 'chai';

import { Fidelity, fidelity, TestUser } from './server';

describe('[Commands]', function () {
	this.timeout(30_000);
	let fx: Fidelity;

	before(async () => {
		fx = await fidelity();
	});

	describe('[/commands.run]', () => {
		let thread: { _id: string; rid: string; tmid: string };
		before(async () => {
			const channel = await fx.createRoom('c', { name: fx.unique('channel.test.commands') });
			const root = await fx.message(channel._id, 'Message to create thread');
			const reply = await fx.message(channel._id, 'Thread Message', fx.admin, { tmid: root._id });
			thread = reply as typeof thread;
			expect(thread.tmid).to.equal(root._id);
		});

		const run = (body: Record<string, unknown>) => fx.post('commands.run', body);

		it('should return an error when call the endpoint without "command" required parameter', async () => {
			const res = await run({});
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'You must provide a command to run.' });
		});

		it('should return an error when call the endpoint with the param "params" and it is not a string', async () => {
			const res = await run({ command: 'help', params: true });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'The parameters for the command must be a single string.' });
		});

		it('should return an error when call the endpoint without "roomId" required parameter', async () => {
			const res = await run({ command: 'help', params: 'params' });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({
				success: false,
				error: "The room's id where to execute this command must be provided and be a string.",
			});
		});

		it('should return an error when call the endpoint with the param "tmid" and it is not a string', async () => {
			const res = await run({ command: 'help', params: 'params', roomId: 'GENERAL', tmid: true });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'The tmid parameter when provided must be a string.' });
		});

		it('should return an error when call the endpoint with the invalid "command" param', async () => {
			const res = await run({ command: 'invalid-command', params: 'params', roomId: 'GENERAL' });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'The command provided does not exist (or is disabled).' });
		});

		it('should return an error when call the endpoint with an invalid thread id', async () => {
			const res = await run({ command: 'tableflip', params: 'params', roomId: 'GENERAL', tmid: 'invalid-thread' });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'Invalid thread.' });
		});

		it('should return an error when call the endpoint with a valid thread id of wrong channel', async () => {
			const res = await run({ command: 'tableflip', params: 'params', roomId: 'GENERAL', tmid: thread.tmid });
			expect(res.status).to.equal(400);
			expect(res.body).to.include({ success: false, error: 'Invalid thread.' });
		});

		it('should return success when parameters are correct', async () => {
			const res = await run({ command: 'tableflip', params: 'params', roomId: thread.rid, tmid: thread.tmid });
			expect(res.status).to.equal(200);
			expect(res.body).to.include({ success: true });
		});
	});

	for (const command of ['archive', 'unarchive'] as const) {
		const undo = command === 'archive' ? 'unarchive' : 'archive';
		describe(`Command ${command}`, () => {
			describe('unauthorized cases', () => {
				let user: TestUser;
				before(async () => {
					user = await fx.createUser({ joinDefaultChannels: true });
				});

				it('should return an error when the user is not logged in', async () => {
					const res = await fx.api.post('commands.run', { command, roomId: 'GENERAL' });
					expect(res.status).to.equal(401);
					expect(res.body).to.include({ status: 'error' });
				});

				it('should return an error when the user has not enough permissions', async () => {
					const res = await fx.api.post('commands.run', { command, roomId: 'GENERAL' }, user.creds);
					expect(res.status).to.equal(400);
					expect(res.body).to.include({ success: false, errorType: 'error-not-authorized' });
				});
			});

			describe('authorized cases', () => {
				// #general must end where it started: unarchived.
				if (command === 'unarchive')
					before(async () => expect((await fx.post('commands.run', { command: undo, roomId: 'GENERAL' })).status).to.equal(200));
				else after(async () => expect((await fx.post('commands.run', { command: undo, roomId: 'GENERAL' })).status).to.equal(200));

				it('should return a success when the user has enough permissions', async () => {
					const res = await fx.post('commands.run', { command, roomId: 'GENERAL' });
					expect(res.status).to.equal(200);
					expect(res.body).to.include({ success: true });
				});
			});
		});
	}
});
