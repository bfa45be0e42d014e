#!/usr/bin/env node
// `npm run test:engines`: the app on every Apps-Engine line it supports.
//
// 1. Type-checks the app's code against the definitions of the newest engines npm ships as types
//    only (sandbox/engines/engines.json `definitions`, installed under npm aliases), so API drift
//    fails here before it fails on a server.
// 2. Prepares each hosted engine (scripts/setup.mjs, once) and runs the smoke subset below on it,
//    with ENGINE=<version>: the packaged app installed in that engine, as `npm test` does on the
//    default one.
// `--engine <version>` (repeatable) limits step 2 to some engines; `--no-types` skips step 1.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';

import { DEFINITIONS, enginePackageDir, HOSTED, hostedVersions, ROOT } from '../sandbox/engines/engines.mjs';
import { writeAppTsconfig } from './app-sources.mjs';

/** What runs on every hosted engine: each feature through the engine's listeners, endpoints, commands, UI and jobs. */
const SMOKE = [
	// Install from the zip, endpoints, listeners, commands, permissions, two instances.
	'test/integration/sandbox.test.ts',
	'test/integration/app-shell.test.ts',
	// SSO and provisioning.
	'test/integration/sso.test.ts',
	// Sync: snapshot to rooms, roles and accounts, its jobs, /integration sync and rooms-of.
	'test/integration/sync-org.test.ts',
	// Chatbot: points (listener, /points, compaction job) and triggers (UI Kit modal).
	'test/integration/chatbot-points.test.ts',
	'test/integration/chatbot-triggers.test.ts',
	// Admin commands: mobile access, log, whois, status.
	'test/integration/accounts-commands.test.ts',
	// Every scheduled processor as the engine calls it, and chat-history delivery.
	'test/integration/processors.test.ts',
];

const argv = process.argv.slice(2);
const only = argv.flatMap((a, i) => (argv[i - 1] === '--engine' ? [a] : []));
const engines = only.length > 0 ? only : hostedVersions();
for (const v of engines) {
	if (!HOSTED[v]) {
		process.stderr.write(`[test:engines] ${v} is not a hosted engine (${hostedVersions().join(', ')})\n`);
		process.exit(2);
	}
}

const say = (m) => process.stdout.write(`\n[test:engines] ${m}\n`);
const results = [];
const buildDir = join(ROOT, '.build');
mkdirSync(buildDir, { recursive: true });

function run(command, args, env = {}) {
	const t0 = Date.now();
	const r = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
	return { ok: r.status === 0, seconds: (Date.now() - t0) / 1000 };
}

// 1. Type definitions of the newest engines.
if (!argv.includes('--no-types')) {
	for (const [version, def] of Object.entries(DEFINITIONS)) {
		say(`type-checking the app against the Apps-Engine ${version} definitions`);
		const tsconfig = join(buildDir, `tsconfig.engine-${version}.json`);
		const rel = (p) => relative(buildDir, p);
		writeAppTsconfig(tsconfig, {
			baseUrl: rel(ROOT),
			paths: {
				'@rocket.chat/apps-engine/*': [`${relative(ROOT, enginePackageDir(version))}/*`],
				'@rocket.chat/ui-kit': [`node_modules/${def.uiKit}`],
			},
		});
		const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
		const t0 = Date.now();
		const r = spawnSync(process.execPath, [tsc, '--noEmit', '--listFilesOnly', '-p', tsconfig], { cwd: ROOT, encoding: 'utf8' });
		const files = r.stdout.split('\n');
		// The check is only worth something if the app's imports really resolved to these definitions.
		const fromVersion = files.filter((f) => f.includes(`/node_modules/${def.package}/`)).length;
		const fromPinned = files.filter((f) => f.includes('/node_modules/@rocket.chat/apps-engine/')).length;
		if (r.status !== 0 || fromVersion === 0 || fromPinned > 0) {
			process.stderr.write(`${r.stdout}${r.stderr}\n`);
			results.push({
				what: `types ${version}`,
				ok: false,
				seconds: 0,
				note: `resolution: ${fromVersion} files of ${version}, ${fromPinned} of the pinned engine`,
			});
			continue;
		}
		const check = spawnSync(process.execPath, [tsc, '--noEmit', '-p', tsconfig], { cwd: ROOT, stdio: 'inherit' });
		results.push({
			what: `types ${version}`,
			ok: check.status === 0,
			seconds: (Date.now() - t0) / 1000,
			note: `${fromVersion} definition files`,
		});
	}
}

// 2. The smoke subset on every hosted engine.
const packaged = spawnSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--quiet', '--if-changed'], {
	cwd: ROOT,
	stdio: 'inherit',
});
if (packaged.status !== 0) process.exit(1);
for (const version of engines) {
	say(`smoke subset on Apps-Engine ${version}`);
	const env = { ENGINE: version };
	const prepared = run(process.execPath, [join(ROOT, 'scripts', 'setup.mjs')], env);
	const r = prepared.ok ? run(process.execPath, [join(ROOT, 'scripts', 'mocha-spec.mjs'), ...SMOKE], env) : prepared;
	results.push({ what: `engine ${version}`, ok: r.ok, seconds: prepared.seconds + r.seconds, note: `${SMOKE.length} test files` });
}

say('summary');
for (const r of results)
	process.stdout.write(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.what.padEnd(14)} ${r.seconds.toFixed(1).padStart(6)} s  ${r.note}\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
