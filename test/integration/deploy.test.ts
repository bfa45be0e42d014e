import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { totpCode } from '../../sandbox/world/twoFactor';
import { Harness } from './harness';

const ROOT = resolve(__dirname, '..', '..');
const APP_ID = 'd347b2b5-1e67-47d1-94e9-11933c551119';

interface Run {
	status: number | null;
	output: string;
}

/** Runs a project script asynchronously (the sandbox answering it runs in this process). */
function runScript(script: string, args: string[], options: { cwd?: string; input?: string } = {}): Promise<Run> {
	return new Promise((resolvePromise) => {
		const child = spawn(process.execPath, [join(options.cwd ?? ROOT, 'scripts', script), ...args], {
			cwd: options.cwd ?? ROOT,
			env: { ...process.env, NO_COLOR: '1' },
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));
		if (options.input !== undefined) child.stdin.write(options.input);
		child.stdin.end();
		const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
		child.on('close', (status) => {
			clearTimeout(timer);
			resolvePromise({ status, output });
		});
	});
}

const deploy = (args: string[], input?: string) => runScript('deploy.mjs', args, { input });

/**
 * `npm run deploy` against the sandbox that `npm start` runs: the same REST calls
 * as `rc-apps deploy`, with the packaged zip (the bundled dependencies) instead of the CLI's own.
 */
describe('npm run deploy, against the sandbox', function () {
	this.timeout(240_000);

	describe('a server without the app', () => {
		let h: Harness;
		let password: string[];
		// Milliseconds: an install and an update in the same second look alike as date strings.
		const storedAt = () => {
			const at = h.world.appStorage.get(APP_ID)?.updatedAt;
			return at instanceof Date ? at.getTime() : undefined;
		};

		before(async () => {
			h = await Harness.start({ install: false });
			password = ['--url', h.url, '--username', h.info.admin.username, '--password', h.info.admin.password];
		});
		after(async () => {
			await h?.stop();
		});

		it('refuses --update while the app is not installed, and bad options before any call', async () => {
			const update = await deploy([...password, '--update']);
			expect(update.status, update.output).to.equal(1);
			expect(update.output).to.include('is not installed').and.include('without --update');
			const mixed = await deploy([...password, '--token', 'x']);
			expect(mixed.status, mixed.output).to.equal(2);
			expect(mixed.output).to.include('not both');
			expect(h.world.appStorage.has(APP_ID)).to.equal(false);
		});

		it('installs the bundled zip with a username and password, and the app runs', async () => {
			const run = await deploy(password);
			expect(run.status, run.output).to.equal(0);
			expect(run.output).to.match(/installed: Rocket Integration 0\.1\.0, status (manually|auto)_enabled/);
			expect(run.output, 'the password is never printed').to.not.include(h.info.admin.password);
			h.sandbox.appId = APP_ID;
			expect(await h.sandbox.appStatus()).to.match(/enabled/);
			const openapi = await h.http('GET', `/api/apps/public/${APP_ID}/openapi.json`);
			expect(openapi.status).to.equal(200);
			// The permissions the app asks for were granted with the upload.
			const declared = (JSON.parse(readFileSync(join(ROOT, 'app.json'), 'utf8')) as { permissions: unknown[] }).permissions;
			expect(h.world.appStorage.get(APP_ID)?.permissionsGranted).to.deep.equal(declared);
		});

		it('updates it with --update and a personal access token, which is never printed', async () => {
			const before = storedAt();
			const run = await deploy(['--url', h.url, '--userid', h.admin.userId, '--token', h.admin.authToken, '--update']);
			expect(run.status, run.output).to.equal(0);
			expect(run.output).to.match(/updated: Rocket Integration 0\.1\.0, status (manually|auto)_enabled/);
			expect(run.output).to.not.include(h.admin.authToken);
			expect(storedAt()).to.not.equal(before);
			const bad = await deploy(['--url', h.url, '--userid', h.admin.userId, '--token', 'not-the-token']);
			expect(bad.status, bad.output).to.equal(1);
			expect(bad.output).to.include('refused the personal access token');
		});

		it('asks for the authenticator code of an account with two-factor authentication, as the CLI does', async () => {
			const secret = h.world.twoFactor.enableTotp(h.admin.userId);
			try {
				const before = storedAt();
				const none = await deploy(password);
				expect(none.status, none.output).to.equal(1);
				expect(none.output).to.include('two-factor authentication').and.include('--code');
				const wrong = await deploy([...password, '--code', totpCode(secret, Date.now() - 10 * 60_000)]);
				expect(wrong.status, wrong.output).to.equal(1);
				expect(wrong.output).to.include('refused the two-factor code');
				expect(storedAt(), 'a refused login changes nothing').to.equal(before);

				const withCode = await deploy([...password, '--code', totpCode(secret)]);
				expect(withCode.status, withCode.output).to.equal(0);
				expect(withCode.output).to.include('updated:');
				// --i2fa reads the code before logging in (here from standard input).
				const asked = await deploy([...password, '--i2fa'], `${totpCode(secret)}\n`);
				expect(asked.status, asked.output).to.equal(0);
				expect(asked.output).to.include('2FA code').and.include('updated:');
			} finally {
				h.world.twoFactor.disable(h.admin.userId);
			}
		});

		it('logs in with a code sent by e-mail: the first attempt has it sent, the second uses it', async () => {
			h.world.twoFactor.enableEmail(h.admin.userId);
			try {
				const first = await deploy(password);
				expect(first.status, first.output).to.equal(1);
				expect(first.output).to.include('the code Rocket.Chat just sent by e-mail');
				const [code] = h.world.twoFactor.emailsOf(h.admin.userId);
				expect(code).to.match(/^\d{6}$/);
				const second = await deploy([...password, '--code', code]);
				expect(second.status, second.output).to.equal(0);
				expect(second.output).to.include('updated:');
			} finally {
				h.world.twoFactor.disable(h.admin.userId);
			}
		});
	});

	describe('a Rocket.Chat 8 Community workspace', () => {
		let h: Harness;

		before(async () => {
			h = await Harness.start({ serverVersion: '8.0.0', community: true });
		});
		after(async () => {
			await h?.stop();
		});

		it('explains a refused update and a login refused without saying why', async () => {
			const password = ['--url', h.url, '--username', h.info.admin.username, '--password', h.info.admin.password];
			const update = await deploy(password);
			expect(update.status, update.output).to.equal(1);
			expect(update.output).to.include('Cannot_Update_Exempt_App').and.include('remove the app');

			// From 8.0 the server no longer tells a missing 2FA code from a wrong password.
			h.world.twoFactor.enableTotp(h.admin.userId);
			const login = await deploy(password);
			expect(login.status, login.output).to.equal(1);
			expect(login.output).to.include('login refused').and.include('--code');
		});
	});
});
