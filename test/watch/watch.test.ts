import { expect } from 'chai';
import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Harness } from '../integration/harness';

const ROOT = resolve(__dirname, '..', '..');
const APP_ID = 'd347b2b5-1e67-47d1-94e9-11933c551119';

/**
 * `npm run watch` against the sandbox that `npm start` runs: deploys, then packages and deploys
 * again when a source changes. Packaging runs the official CLI's compiler (about a minute of CPU),
 * so this runs on its own (npm run test:watch, in CI), not in `npm test`.
 */
describe('npm run watch, against the sandbox', function () {
	this.timeout(600_000);
	let h: Harness;
	let password: string[];

	before(async () => {
		h = await Harness.start();
		password = ['--url', h.url, '--username', h.info.admin.username, '--password', h.info.admin.password];
	});
	after(async () => {
		await h?.stop();
	});

	it('redeploys on change with npm run watch', async () => {
		// A copy of the project (sources, scripts, the zip already built), so the change stays there.
		const dir = mkdtempSync(join(ROOT, '.build', 'watch-'));
		let watcher: ChildProcess | undefined;
		try {
			const sources = JSON.parse(readFileSync(join(ROOT, 'scripts', 'app-sources.json'), 'utf8')) as string[];
			for (const entry of [...sources, 'package-lock.json', 'tsconfig.json', 'tsconfig.app.json', 'dist']) {
				if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
			}
			mkdirSync(join(dir, 'scripts'));
			for (const f of ['package.mjs', 'app-sources.json', 'deploy.mjs', 'watch.mjs'])
				cpSync(join(ROOT, 'scripts', f), join(dir, 'scripts', f));
			symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');

			let output = '';
			watcher = spawn(process.execPath, [join(dir, 'scripts', 'watch.mjs'), ...password], {
				cwd: dir,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			watcher.stdout?.on('data', (d: Buffer) => (output += d.toString()));
			watcher.stderr?.on('data', (d: Buffer) => (output += d.toString()));
			/** Waits for `probe`; on a timeout, says what the watch printed. */
			const until = async (probe: () => boolean, what: string, ms: number) => {
				try {
					await h.waitFor(probe, what, ms);
				} catch (err) {
					throw new Error(`${err instanceof Error ? err.message : String(err)}; the watch said:\n${output}`);
				}
			};
			await until(() => output.includes('watching'), 'the watch to deploy and start watching', 200_000);
			expect(output).to.match(/updated Rocket Integration 0\.1\.0/);

			const appJson = join(dir, 'app.json');
			writeFileSync(appJson, readFileSync(appJson, 'utf8').replace('"version": "0.1.0"', '"version": "0.1.1"'));
			await until(
				() => (h.world.appStorage.get(APP_ID)?.info as { version?: string } | undefined)?.version === '0.1.1',
				'the changed app on the server',
				400_000,
			);
			expect(output).to.include('changed: app.json');
			expect(await h.sandbox.appStatus()).to.match(/enabled/);
		} finally {
			watcher?.kill('SIGTERM');
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
