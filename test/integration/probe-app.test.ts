import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Harness } from './harness';

const ROOT = resolve(__dirname, '..', '..');
const PROBE_ID = '0d7c7a1e-6f51-4c2e-9d0b-6a8f3c1b2e47';

/** Runs the official CLI, unchanged, in a copy of the probe app (it rewrites app.json and writes dist/). */
/** Asynchronous: the sandbox answering the CLI runs in this same process. */
function rcApps(args: string[], cwd: string): Promise<{ status: number | null; output: string }> {
	return new Promise((resolvePromise) => {
		const child = spawn(process.execPath, [join(ROOT, 'node_modules/@rocket.chat/apps-cli/bin/run'), ...args], {
			cwd,
			env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
		child.on('close', (status) => {
			clearTimeout(timer);
			resolvePromise({ status, output });
		});
	});
}

/** In order: the first test deploys the probe app with the CLI; the others use it. */
describe('sandbox: a probe app deployed with the official CLI', function () {
	this.timeout(120_000);
	let h: Harness;
	let appDir: string;
	let roomId: string;

	before(async () => {
		h = await Harness.start({ install: false, instances: 2 });
		// Inside the project, so the CLI resolves typescript and the engine from its node_modules.
		appDir = mkdtempSync(join(ROOT, '.build', 'probe-app-'));
		cpSync(join(ROOT, 'test/fixtures/probe-app'), appDir, { recursive: true });
		// The CLI loads the engine definitions from the app folder's own node_modules.
		symlinkSync(join(ROOT, 'node_modules'), join(appDir, 'node_modules'), 'dir');
		roomId = h.createRoom('probe-room', []);
	});

	after(async () => {
		await h?.stop();
		if (appDir) rmSync(appDir, { recursive: true, force: true });
	});

	const deploy = () =>
		rcApps(['deploy', '--url', h.url, '--username', h.info.admin.username, '--password', h.info.admin.password], appDir);

	it('installs through `rc-apps deploy`, then updates through it', async () => {
		const first = await deploy();
		expect(first.status, first.output).to.equal(0);
		h.sandbox.appId = PROBE_ID;
		expect(await h.sandbox.appStatus()).to.match(/enabled/);
		expect(h.world.appStorage.get(PROBE_ID)?.implemented).to.deep.include({ IPostMessageSent: true });

		const second = await deploy();
		expect(second.status, second.output).to.equal(0);
		expect(second.output).to.include('updating');
		expect(await h.sandbox.appStatus()).to.match(/enabled/);
	});

	it('runs a slash command as the caller, on either instance', async () => {
		for (const instance of [1, 2]) {
			const res = await h.http('POST', '/api/v1/commands.run', {
				headers: { 'X-User-Id': h.admin.userId, 'X-Auth-Token': h.admin.authToken, 'X-Sandbox-Instance': String(instance) },
				body: { command: 'probe', params: `from ${instance}`, roomId },
			});
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
		}
		const texts = h.messages(roomId).map((m) => m.text);
		expect(texts).to.include.members(['pong from 1', 'pong from 2']);
		expect(h.messages(roomId).find((m) => m.text === 'pong from 1')?.username).to.equal('sandbox-probe.bot');
	});

	it('routes the app endpoints over HTTP with params, query and body', async () => {
		const get = await h.app('GET', 'echo?x=1', undefined, { key: null });
		expect(get.status).to.equal(200);
		expect(get.body).to.deep.equal({ method: 'get', query: { x: '1' } });
		const post = await h.app('POST', 'echo', { a: [1, 2] }, { key: null });
		expect(post.body).to.deep.equal({ method: 'post', content: { a: [1, 2] } });
		expect((await h.app('GET', 'no-such-endpoint', undefined, { key: null })).status).to.equal(404);
	});

	it('fires the post-message listener and sees its effect through the shared world', async () => {
		const posted = await h.http('POST', '/api/v1/chat.postMessage', {
			headers: { 'X-User-Id': h.admin.userId, 'X-Auth-Token': h.admin.authToken, 'X-Sandbox-Instance': '2' },
			body: { roomId, text: 'probe:hello' },
		});
		expect(posted.status).to.equal(200);
		await h.waitFor(() => h.messages(roomId).some((m) => m.text === 'seen hello'), 'the listener reply');
		// Written by instance 2, read by instance 1: one database.
		const state = await h.app<{ lastSeen?: string }>('GET', 'state', undefined, { key: null, instance: 1 });
		expect(state.body.lastSeen).to.equal('hello');
	});

	it('runs one-off and recurring jobs when the harness runs due jobs', async () => {
		expect((await h.app('POST', 'schedule/once', { tag: 'once' }, { key: null })).status).to.equal(202);
		expect(await h.runDueJobs()).to.equal(1);
		let state = await h.app<{ jobRuns?: number; lastTag?: string }>('GET', 'state', undefined, { key: null });
		expect(state.body).to.include({ jobRuns: 1, lastTag: 'once' });

		expect((await h.app('POST', 'schedule/recurring', { tag: 'every' }, { key: null })).status).to.equal(202);
		expect(await h.runDueJobs()).to.equal(0);
		expect(await h.runDueJobs(Date.now() + 61_000)).to.equal(1);
		state = await h.app('GET', 'state', undefined, { key: null });
		expect(state.body).to.include({ jobRuns: 2, lastTag: 'every' });
		// Rescheduling a recurring job replaces it (one job per processor).
		expect((await h.app('POST', 'schedule/recurring', { tag: 'again' }, { key: null })).status).to.equal(202);
		// The engine names processors `<id>_<app id>`.
		expect([...h.world.jobs.values()].filter((j) => j.processorId === `probe-job_${PROBE_ID}`)).to.have.length(1);
	});

	it('enforces app.json permissions: a call the app did not declare is refused', async () => {
		h.expectErrors(/lacks the following permissions: \["user\.read"\]/);
		expect(h.world.findUserByUsername('admin')).to.not.equal(undefined);
		const res = await h.app<{ user: string | null }>('GET', 'forbidden', undefined, { key: null });
		// The engine answers the app with nothing and reports the missing permission.
		expect(res.status).to.equal(200);
		expect(res.body.user).to.equal(null);
		await h.waitFor(() => h.world.permissionErrors.some((e) => e.message.includes('"user.read"')), 'the permission error report');
	});
});
