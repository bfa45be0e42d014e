#!/usr/bin/env node
// `npm run watch -- <the options of npm run deploy>`
//
// Deploys the app (as `npm run deploy`), then watches the app's sources (scripts/app-sources.json)
// and deploys again whenever they change: packages (the type check shows compile errors as they
// are), then updates the app on the server. Logs in once, asking for a two-factor code at most then.
// A failed package or upload is reported and the watch goes on; Ctrl-C stops it.
import { existsSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';

import { appSources } from './app-sources.mjs';
import { buildPackage, DeployError, isEnabledStatus, login, parseArgs, promptFor, resolveOptions, ROOT, upload, USAGE } from './deploy.mjs';

/** Quiet time after the last change before deploying (editors write a file in several steps). */
const SETTLE_MS = 300;

const log = (m) => process.stdout.write(`[watch] ${new Date().toISOString().slice(11, 19)} ${m}\n`);

if (process.argv.includes('--help') || process.argv.includes('-h')) {
	process.stdout.write(USAGE.replace('npm run deploy', 'npm run watch'));
	process.exit(0);
}
let o;
try {
	o = resolveOptions(parseArgs(process.argv.slice(2)));
} catch (err) {
	if (!(err instanceof DeployError)) throw err;
	process.stderr.write(`[watch] ${err.message}\n${USAGE.replace('npm run deploy', 'npm run watch')}`);
	process.exit(2);
}

const sources = appSources(ROOT);
let session;
let running = false;
let again = false;
let timer;

async function deployOnce(first) {
	if (running) {
		again = true;
		return;
	}
	running = true;
	try {
		const pkg = buildPackage(ROOT, true);
		session ??= await login(o, promptFor(o));
		let result;
		try {
			result = await upload(o.url, session, pkg, { update: o.update && first });
		} catch (err) {
			// The login may have expired (a server restart): log in once more and retry.
			if (!(err instanceof DeployError) || !/HTTP 401/.test(err.message) || o.code) throw err;
			session = await login(o, promptFor(o));
			result = await upload(o.url, session, pkg);
		}
		const state = isEnabledStatus(result.status) ? '' : ' - NOT RUNNING, see the app logs';
		log(`${result.action} ${pkg.info.name} ${result.version} on ${o.url} (status ${result.status})${state}`);
	} catch (err) {
		if (!(err instanceof DeployError)) throw err;
		log(`deploy failed: ${err.message}`);
		if (first && !session) process.exit(1);
	} finally {
		running = false;
	}
	if (again) {
		again = false;
		await deployOnce(false);
	}
}

function onChange(file) {
	if (file && /(^|\/)(\.|node_modules\/|dist\/)|~$|\.swp$/.test(file)) return;
	clearTimeout(timer);
	timer = setTimeout(() => {
		log(`changed: ${file ?? 'sources'}; deploying`);
		void deployOnce(false);
	}, SETTLE_MS);
}

await deployOnce(true);
// Folders recursively; files through their folder (an editor that saves by replacing a file would end a watch on the file).
const topFiles = new Set();
for (const entry of sources) {
	const path = join(ROOT, entry);
	if (!existsSync(path)) continue;
	if (statSync(path).isDirectory())
		watch(path, { recursive: true }, (_event, name) => onChange(name ? join(entry, String(name)) : entry));
	else topFiles.add(entry);
}
watch(ROOT, (_event, name) => {
	if (name && topFiles.has(String(name))) onChange(String(name));
});
log(`watching ${sources.join(', ')} (Ctrl-C to stop)`);
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
