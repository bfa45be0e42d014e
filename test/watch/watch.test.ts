import { expect } from 'chai';
import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { httpRequest } from '../../sandbox/http-client';
import { pinnedVersion } from '../../sandbox/engines/engines.mjs';

const ROOT = resolve(__dirname, '..', '..');
const APP_ID = 'd347b2b5-1e67-47d1-94e9-11933c551119';
const ADMIN = { username: 'watch-admin', password: 'watch-admin-password-123' };

/** A child process whose output is collected, started in its own process group (stopped with it). */
function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
	let output = '';
	const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
	return { child, output: () => output };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
	if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((r) => child.once('exit', r));
	process.kill(-child.pid, 'SIGTERM');
	const timer = setTimeout(() => {
		try {
			process.kill(-child.pid!, 'SIGKILL');
		} catch {
			// Gone.
		}
	}, 10_000);
	await exited;
	clearTimeout(timer);
}

async function until(probe: () => boolean | Promise<boolean>, what: string, ms: number, said: () => string): Promise<void> {
	const deadline = Date.now() + ms;
	while (!(await probe())) {
		if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; output:\n${said()}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/**
 * `npm run watch` against `npm start` itself (another process, as a developer runs them): watch
 * deploys, then packages and deploys again when a source changes. Packaging runs the official CLI's
 * compiler (about a minute of CPU), so this runs on its own (npm run test:watch, in CI), not in
 * `npm test`.
 */
describe('npm run watch, against npm start', function () {
	this.timeout(900_000);
	let server: ReturnType<typeof start> | undefined;
	let url = '';

	before(async () => {
		server = start('npm', ['start'], ROOT, { PORT: '0', ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
		await until(() => /Server\s+(http:\S+)/.test(server!.output()), 'npm start to be ready', 300_000, server.output);
		url = /Server\s+(http:\S+)/.exec(server.output())![1];
	});
	after(async () => {
		await stop(server?.child);
	});

	/** The app as the server describes it to an admin (`GET /api/apps/<id>`). */
	async function appOnServer(): Promise<{ version: string; status: string }> {
		const login = await httpRequest(
			new URL(`${url}/api/v1/login`),
			'POST',
			{ 'Content-Type': 'application/json' },
			JSON.stringify({ user: ADMIN.username, password: ADMIN.password }),
			10_000,
		);
		const { userId, authToken } = (JSON.parse(login.body) as { data: { userId: string; authToken: string } }).data;
		const res = await httpRequest(
			new URL(`${url}/api/apps/${APP_ID}`),
			'GET',
			{ 'X-User-Id': userId, 'X-Auth-Token': authToken },
			undefined,
			10_000,
		);
		return (JSON.parse(res.body) as { app: { version: string; status: string } }).app;
	}

	it('names the engine in the banner of npm start', () => {
		expect(server?.output()).to.include(`Apps-Engine ${process.env.ENGINE || pinnedVersion()}`);
	});

	it('redeploys on change', async () => {
		// A copy of the project (sources, scripts, the zip already built), so the change stays there.
		const dir = mkdtempSync(join(ROOT, '.build', 'watch-'));
		let watcher: ReturnType<typeof start> | undefined;
		try {
			const sources = JSON.parse(readFileSync(join(ROOT, 'scripts', 'app-sources.json'), 'utf8')) as string[];
			for (const entry of [...sources, 'package-lock.json', 'tsconfig.json', 'dist']) {
				if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
			}
			mkdirSync(join(dir, 'scripts'));
			for (const f of ['package.mjs', 'app-sources.json', 'app-sources.mjs', 'deploy.mjs', 'watch.mjs'])
				cpSync(join(ROOT, 'scripts', f), join(dir, 'scripts', f));
			symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');

			watcher = start(
				process.execPath,
				[join(dir, 'scripts', 'watch.mjs'), '--url', url, '--username', ADMIN.username, '--password', ADMIN.password],
				dir,
			);
			await until(() => watcher!.output().includes('watching'), 'the watch to deploy and start watching', 300_000, watcher.output);
			// npm start installed the app: the watch's first deploy is an update, of the zip already built.
			expect(watcher.output()).to.match(/updated Rocket Integration 0\.1\.0/);
			expect(watcher.output(), 'the password is never printed').to.not.include(ADMIN.password);

			const appJson = join(dir, 'app.json');
			writeFileSync(appJson, readFileSync(appJson, 'utf8').replace('"version": "0.1.0"', '"version": "0.1.1"'));
			// The watch reports the update once the server answered it; the server then has the new version, running.
			await until(() => /updated Rocket Integration 0\.1\.1/.test(watcher!.output()), 'the redeploy', 600_000, watcher.output);
			expect(watcher.output()).to.include('changed: app.json');
			const app = await appOnServer();
			expect(app.version).to.equal('0.1.1');
			expect(app.status).to.match(/enabled/);
		} finally {
			await stop(watcher?.child);
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
