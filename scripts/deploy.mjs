#!/usr/bin/env node
// `npm run deploy -- --url <server> (--username <u> --password <p> [--code <2fa code> | --i2fa] | --userid <id> --token <t>) [--update]`
//
// Uploads the app's packaged zip (npm run package: the app with its npm dependencies bundled in)
// to a Rocket.Chat server through the REST calls the official `rc-apps deploy` makes: log in
// (`POST /api/v1/login`, or `GET /api/v1/me` to check a personal access token), look the app up
// (`GET /api/apps/<id>`), then a multipart upload (`app` and `permissions`) to `POST /api/apps` to
// install it or `POST /api/apps/<id>` to update it. `rc-apps deploy` itself cannot deploy this app:
// it compiles and zips the TypeScript sources again, without the bundled dependencies.
//
// Two-factor authentication works as with the CLI: `--code` sends the code with the login, `--i2fa`
// asks for it first; besides, when the server answers that a code is needed and a terminal is
// attached, the code is asked for then (for e-mail codes, the server has just sent one).
// Settings may also come from a `.rcappsconfig` file in the project (the CLI's file: url, username,
// password, userId, token); flags win. Passwords and tokens are never printed.
/* global FormData, Blob */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import AdmZip from 'adm-zip';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A failure to report in one sentence (no stack trace): what went wrong and what to do. */
export class DeployError extends Error {}

const FLAGS = {
	'--url': 'url',
	'--username': 'username',
	'-u': 'username',
	'--password': 'password',
	'-p': 'password',
	'--userid': 'userId',
	'-i': 'userId',
	'--token': 'token',
	'-t': 'token',
	'--code': 'code',
	'-c': 'code',
};
const SWITCHES = { '--update': 'update', '--i2fa': 'i2fa', '--quiet': 'quiet' };

/** Flags (and `--name=value`) into options; unknown ones are refused. */
export function parseArgs(argv) {
	const out = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const eq = arg.indexOf('=');
		const name = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
		if (SWITCHES[name]) {
			out[SWITCHES[name]] = true;
			continue;
		}
		const key = FLAGS[name];
		if (!key) throw new DeployError(`unknown option ${name}`);
		const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
		if (value === undefined || value === '') throw new DeployError(`${name} needs a value`);
		out[key] = value;
	}
	return out;
}

/** The options of the command line over those of `.rcappsconfig`, checked. */
export function resolveOptions(flags, root = ROOT) {
	let file = {};
	const path = join(root, '.rcappsconfig');
	if (existsSync(path)) {
		try {
			file = JSON.parse(readFileSync(path, 'utf8'));
		} catch (err) {
			throw new DeployError(`.rcappsconfig is not valid JSON: ${err.message}`);
		}
	}
	const o = { ...pick(file, ['url', 'username', 'password', 'userId', 'token', 'code']), ...flags };
	if (!o.url) throw new DeployError('no server: pass --url <server> (or put "url" into .rcappsconfig)');
	let url;
	try {
		url = new URL(o.url);
	} catch {
		throw new DeployError(`--url ${o.url} is not a URL`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DeployError(`--url must be http(s): ${o.url}`);
	o.url = url.origin + url.pathname.replace(/\/+$/, '');
	const byToken = Boolean(o.userId || o.token);
	const byPassword = Boolean(o.username || o.password);
	if (byToken && byPassword) throw new DeployError('give either --username/--password or --userid/--token, not both');
	if (byToken && !(o.userId && o.token)) throw new DeployError('--userid and --token go together');
	if (byPassword && !(o.username && o.password)) throw new DeployError('--username and --password go together');
	if (!byToken && !byPassword) throw new DeployError('no credentials: pass --username/--password or --userid/--token');
	if ((o.code || o.i2fa) && !byPassword) throw new DeployError('--code and --i2fa go with --username/--password');
	return o;
}

function pick(o, keys) {
	return Object.fromEntries(keys.filter((k) => typeof o[k] === 'string' && o[k] !== '').map((k) => [k, o[k]]));
}

async function call(url, init = {}) {
	let res;
	try {
		res = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
	} catch (err) {
		throw new DeployError(`cannot reach ${new URL(url).origin}: ${err.cause?.message ?? err.message}`);
	}
	const text = await res.text();
	let body;
	try {
		body = text ? JSON.parse(text) : {};
	} catch {
		body = { error: text.slice(0, 200) };
	}
	return { status: res.status, body };
}

/** Asks a question and reads one line of the answer (typed on a terminal: not echoed). */
export async function ask(question) {
	const terminal = Boolean(process.stdin.isTTY);
	const rl = createInterface({ input: process.stdin, output: process.stdout, terminal });
	if (terminal) {
		// Echo the question only, not what is typed.
		rl._writeToOutput = (s) => {
			if (s.includes(question)) process.stdout.write(s);
		};
	}
	try {
		return await new Promise((resolvePromise, reject) => {
			rl.once('close', () => reject(new DeployError('no answer (standard input closed)')));
			rl.question(question, resolvePromise);
		});
	} finally {
		rl.removeAllListeners('close');
		rl.close();
		if (terminal) process.stdout.write('\n');
	}
}

/** Who can be asked for a 2FA code: a terminal, or standard input when --i2fa says the code comes there. */
export function promptFor(o) {
	return process.stdin.isTTY || o.i2fa ? ask : undefined;
}

function twoFactorHint(details) {
	if (details?.method === 'email') return 'the code Rocket.Chat just sent by e-mail';
	return 'the current code of your authenticator app';
}

/**
 * Logs in and returns `{ userId, authToken }`. With a personal access token, checks it with
 * `GET /api/v1/me`. `prompt(question)` asks for a 2FA code when the server wants one (none: fail).
 */
export async function login(o, prompt) {
	if (o.token) {
		const me = await call(`${o.url}/api/v1/me`, { headers: { 'X-User-Id': o.userId, 'X-Auth-Token': o.token } });
		if (me.status !== 200 || me.body.success !== true) {
			throw new DeployError(`the server refused the personal access token of user ${o.userId} (HTTP ${me.status})`);
		}
		return { userId: o.userId, authToken: o.token, username: me.body.username };
	}
	let code = o.code;
	if (!code && o.i2fa) code = await requireCode(prompt, '2FA code: ');
	for (let attempt = 0; ; attempt++) {
		const body = { username: o.username, password: o.password, ...(code ? { code } : {}) };
		const res = await call(`${o.url}/api/v1/login`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
		});
		if (res.status === 200 && res.body.status === 'success' && res.body.data?.authToken) {
			return { userId: res.body.data.userId, authToken: res.body.data.authToken, username: res.body.data.me?.username ?? o.username };
		}
		const error = res.body.error;
		if (error === 'totp-required' && !code && attempt === 0) {
			if (!prompt) {
				throw new DeployError(
					`${o.username} has two-factor authentication: run again with --code <${twoFactorHint(res.body.details)}> or --i2fa`,
				);
			}
			code = await requireCode(prompt, `Two-factor code (${twoFactorHint(res.body.details)}): `);
			continue;
		}
		if (error === 'totp-invalid') throw new DeployError('the server refused the two-factor code (wrong or expired)');
		if (error === 'totp-max-attempts') throw new DeployError('too many wrong two-factor codes: wait, then log in again');
		if (error === 'totp-required') throw new DeployError('the server still asks for a two-factor code');
		if (res.status === 429) throw new DeployError(`the server rate-limits logins: ${res.body.error ?? 'try again later'}`);
		// From Rocket.Chat 8.0 a refused login no longer says why: wrong credentials and a missing 2FA code look alike.
		throw new DeployError(
			`login refused for ${o.username} (HTTP ${res.status}${typeof res.body.message === 'string' ? `: ${res.body.message}` : ''}); ` +
				'check the username and password, and pass --code if the account has two-factor authentication',
		);
	}
}

async function requireCode(prompt, question) {
	if (!prompt) throw new DeployError('a two-factor code is needed, and no terminal is attached to ask for it: pass --code');
	const code = String(await prompt(question)).trim();
	if (!code) throw new DeployError('no two-factor code given');
	return code;
}

/** The packaged zip and its app.json; packages first (if anything changed since the last package). */
export function buildPackage(root = ROOT, quiet = false) {
	const r = spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--if-changed', ...(quiet ? ['--quiet'] : [])], {
		cwd: root,
		stdio: ['ignore', quiet ? 'pipe' : 'inherit', 'pipe'],
		encoding: 'utf8',
	});
	if (r.status !== 0) throw new DeployError(`packaging failed:\n${r.stderr ?? ''}`);
	const info = JSON.parse(readFileSync(join(root, 'app.json'), 'utf8'));
	const zipPath = join(root, 'dist', `${info.nameSlug}_${info.version}.zip`);
	const zip = readFileSync(zipPath);
	const packaged = JSON.parse(new AdmZip(zip).readAsText('app.json'));
	return { zip, zipPath, info: packaged };
}

function describeFailure(res) {
	const b = res.body ?? {};
	if (b.error === 'Cannot_Update_Exempt_App') {
		return (
			'Rocket.Chat does not update a private app uploaded to a Community workspace (Cannot_Update_Exempt_App): ' +
			'remove the app in Administration > Apps and deploy again (its stored data goes with it), or use a workspace with a license or trial'
		);
	}
	if (b.error === 'private_app_install_disabled') return 'this workspace does not allow private apps (private_app_install_disabled)';
	const messages = Array.isArray(b.messages) ? b.messages.join('; ') : '';
	const why = [b.error, b.status, messages, b.message].filter((s) => typeof s === 'string' && s).join(': ');
	return `HTTP ${res.status}${why ? `: ${why}` : ''}`;
}

/**
 * Installs or updates the app with an authenticated session (`{ userId, authToken }`). Returns what
 * the server says of the app. `update`: refuse to install when the app is not there yet.
 */
export async function upload(url, session, pkg, { update = false } = {}) {
	const headers = { 'X-User-Id': session.userId, 'X-Auth-Token': session.authToken };
	const id = pkg.info.id;
	const found = await call(`${url}/api/apps/${id}`, { headers });
	if (found.status === 401) throw new DeployError('the server no longer accepts this login (HTTP 401)');
	if (found.status === 403) throw new DeployError(`the user may not manage apps (the manage-apps permission is needed)`);
	const exists = found.status === 200 && found.body.success === true;
	if (!exists && found.status !== 404) throw new DeployError(`looking the app up failed: ${describeFailure(found)}`);
	if (update && !exists) throw new DeployError(`${pkg.info.name} is not installed on ${url}: deploy without --update to install it`);

	const form = new FormData();
	form.append('app', new Blob([pkg.zip], { type: 'application/zip' }), `${pkg.info.nameSlug}_${pkg.info.version}.zip`);
	// The permissions the app asks for, accepted as the upload dialog would.
	form.append('permissions', JSON.stringify(pkg.info.permissions ?? []));
	const res = await call(`${url}/api/apps${exists ? `/${id}` : ''}`, { method: 'POST', headers, body: form });
	if (res.status !== 200 || res.body.success !== true) {
		throw new DeployError(`${exists ? 'updating' : 'installing'} ${pkg.info.name} failed: ${describeFailure(res)}`);
	}
	const status = res.body.app?.status ?? 'unknown';
	return { action: exists ? 'updated' : 'installed', status, version: res.body.app?.version ?? pkg.info.version };
}

/** Statuses of an app that runs. */
export function isEnabledStatus(status) {
	return status === 'auto_enabled' || status === 'manually_enabled';
}

export const USAGE =
	'usage: npm run deploy -- --url <server> (--username <u> --password <p> [--code <2fa code> | --i2fa] | --userid <id> --token <t>) [--update]\n';

async function main() {
	if (process.argv.includes('--help') || process.argv.includes('-h')) {
		process.stdout.write(USAGE);
		return;
	}
	let o;
	try {
		o = resolveOptions(parseArgs(process.argv.slice(2)));
	} catch (err) {
		if (!(err instanceof DeployError)) throw err;
		process.stderr.write(`[deploy] ${err.message}\n`);
		process.stderr.write(USAGE);
		process.exit(2);
	}
	const log = (m) => {
		if (!o.quiet) process.stdout.write(`[deploy] ${m}\n`);
	};
	try {
		const pkg = buildPackage(ROOT, o.quiet);
		log(`${pkg.info.name} ${pkg.info.version} (requires Apps-Engine ${pkg.info.requiredApiVersion}) to ${o.url}`);
		const session = await login(o, promptFor(o));
		log(`logged in as ${session.username ?? session.userId}`);
		const result = await upload(o.url, session, pkg, { update: o.update });
		log(`${result.action}: ${pkg.info.name} ${result.version}, status ${result.status}`);
		if (!isEnabledStatus(result.status)) {
			throw new DeployError(
				`the app is ${result.action} but not running (status ${result.status}); see Administration > Apps > ${pkg.info.name} > Logs`,
			);
		}
	} catch (err) {
		if (!(err instanceof DeployError)) throw err;
		process.stderr.write(`[deploy] ${err.message}\n`);
		process.exit(1);
	}
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
