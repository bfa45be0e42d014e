#!/usr/bin/env node
// Prepares the local Apps-Engine runtime used by the sandbox and the integration tests.
// Idempotent: a stamp file records what was prepared, and a second run only checks it.
//
// 1. Copies @rocket.chat/apps-engine out of node_modules (Deno refuses to strip types of .ts files
//    that live inside node_modules).
// 2. Maps the runtime's two unreachable imports (a deno.land URL and a JSR package) to local shims.
// 3. Fills the runtime's Deno cache from the npm registry.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const log = (msg) => {
	if (!quiet) process.stdout.write(`[setup] ${msg}\n`);
};

export const engineDir = join(root, '.sandbox', 'engine', 'apps-engine');
const denoBinDir = join(root, 'node_modules', '.bin');
const stampFile = join(engineDir, '.setup-stamp.json');

function fail(msg) {
	process.stderr.write(`[setup] ${msg}\n`);
	process.exit(1);
}

function ensureInstalled() {
	const required = ['@rocket.chat/apps-engine/package.json', 'deno/package.json', 'mem/package.json'];
	const missing = required.filter((p) => !existsSync(join(root, 'node_modules', p)));
	if (missing.length > 0) {
		log('installing npm dependencies (npm ci)');
		const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: quiet ? 'ignore' : 'inherit' });
		if (r.status !== 0) fail('npm ci failed');
	}
}

function wantedStamp() {
	const enginePkg = JSON.parse(readFileSync(join(root, 'node_modules/@rocket.chat/apps-engine/package.json'), 'utf8'));
	const denoPkg = JSON.parse(readFileSync(join(root, 'node_modules/deno/package.json'), 'utf8'));
	const shims = ['write_all.ts', 'parse_args.ts'].map((f) => readFileSync(join(root, 'sandbox/deno-shims', f), 'utf8')).join('\n');
	return { engine: enginePkg.version, deno: denoPkg.version, shims: shims.length + ':' + hash(shims) };
}

function hash(s) {
	let h = 0;
	for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
	return (h >>> 0).toString(16);
}

function upToDate(stamp) {
	if (!existsSync(stampFile)) return false;
	try {
		return JSON.stringify(JSON.parse(readFileSync(stampFile, 'utf8'))) === JSON.stringify(stamp);
	} catch {
		return false;
	}
}

function copyEngine() {
	log(`copying the Apps-Engine to ${engineDir}`);
	rmSync(engineDir, { recursive: true, force: true });
	mkdirSync(dirname(engineDir), { recursive: true });
	cpSync(join(root, 'node_modules/@rocket.chat/apps-engine'), engineDir, { recursive: true, dereference: true });
	const shimDir = join(engineDir, 'deno-runtime', 'shims');
	mkdirSync(shimDir, { recursive: true });
	cpSync(join(root, 'sandbox/deno-shims/write_all.ts'), join(shimDir, 'write_all.ts'));
	cpSync(join(root, 'sandbox/deno-shims/parse_args.ts'), join(shimDir, 'parse_args.ts'));

	const denoJsonPath = join(engineDir, 'deno-runtime', 'deno.jsonc');
	// deno.jsonc of the engine is plain JSON (no comments); parse defensively anyway.
	const text = readFileSync(denoJsonPath, 'utf8').replace(/^\s*\/\/.*$/gm, '');
	const config = JSON.parse(text);
	config.imports['https://deno.land/std@0.216.0/io/write_all.ts'] = './shims/write_all.ts';
	config.imports['@std/cli/parse-args'] = './shims/parse_args.ts';
	delete config.imports['@std/cli'];
	writeFileSync(denoJsonPath, JSON.stringify(config, null, '\t'));
	// The shipped lock file pins a JSR package we replaced; let Deno write a fresh one.
	rmSync(join(engineDir, 'deno-runtime', 'deno.lock'), { force: true });
}

function fillDenoCache() {
	log('filling the Deno cache (npm packages of the runtime)');
	const denoDir = join(engineDir, '.deno-cache');
	const r = spawnSync(join(denoBinDir, 'deno'), ['cache', 'main.ts'], {
		cwd: join(engineDir, 'deno-runtime'),
		env: { ...process.env, DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1' },
		stdio: quiet ? 'pipe' : 'inherit',
		encoding: 'utf8',
	});
	if (r.status !== 0) fail(`deno cache failed:\n${r.stderr ?? ''}`);
}

ensureInstalled();
const stamp = wantedStamp();
if (upToDate(stamp)) {
	log('engine runtime ready (nothing to do)');
} else {
	copyEngine();
	fillDenoCache();
	writeFileSync(stampFile, JSON.stringify(stamp));
	log('engine runtime ready');
}
