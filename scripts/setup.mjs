#!/usr/bin/env node
// Prepares the local Apps-Engine runtime used by the sandbox and the integration tests: the engine
// ENGINE names (default: the version package.json pins; see sandbox/engines/engines.json), or every
// hosted engine with --all. Idempotent: a stamp file records what was prepared, and a second run only
// checks it.
//
// For each engine:
// 1. Copies its npm package (an alias for the non-default ones) out of node_modules (Deno refuses to
//    strip types of .ts files that live inside node_modules).
// 2. Maps the runtime's unreachable imports (deno.land URLs, JSR packages, engine sources the npm
//    package lacks) to the local shims of sandbox/engines/deno-shims, as engines.json lists them.
// 3. Fills the runtime's Deno cache from the npm registry.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	engineDir,
	engineHome,
	enginePackageDir,
	engineTempDir,
	HOSTED,
	hostedVersions,
	ROOT as root,
	selectedVersion,
} from '../sandbox/engines/engines.mjs';

const quiet = process.argv.includes('--quiet');
const log = (msg) => {
	if (!quiet) process.stdout.write(`[setup] ${msg}\n`);
};

const denoBinDir = join(root, 'node_modules', '.bin');
const shimSourceDir = join(root, 'sandbox', 'engines', 'deno-shims');

function fail(msg) {
	process.stderr.write(`[setup] ${msg}\n`);
	process.exit(1);
}

function ensureInstalled(versions) {
	const required = [
		...versions.map((v) => join(enginePackageDir(v), 'package.json')),
		join(root, 'node_modules', 'deno', 'package.json'),
		join(root, 'node_modules', 'mem', 'package.json'),
	];
	const missing = required.filter((p) => !existsSync(p));
	if (missing.length > 0) {
		log('installing npm dependencies (npm ci)');
		const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: quiet ? 'ignore' : 'inherit' });
		if (r.status !== 0) fail('npm ci failed');
	}
}

function shimFiles(version) {
	return [...new Set(Object.values(HOSTED[version].denoImports))].sort();
}

function wantedStamp(version) {
	const enginePkg = JSON.parse(readFileSync(join(enginePackageDir(version), 'package.json'), 'utf8'));
	if (enginePkg.version !== version) fail(`${HOSTED[version].package} is ${enginePkg.version}, expected ${version}: run npm ci`);
	const denoPkg = JSON.parse(readFileSync(join(root, 'node_modules/deno/package.json'), 'utf8'));
	const shims = shimFiles(version)
		.map((f) => `${f}\n${readFileSync(join(shimSourceDir, f), 'utf8')}`)
		.join('\n');
	return {
		engine: enginePkg.version,
		deno: denoPkg.version,
		imports: HOSTED[version].denoImports,
		shims: `${shims.length}:${hash(shims)}`,
	};
}

function hash(s) {
	let h = 0;
	for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
	return (h >>> 0).toString(16);
}

function stampFile(version) {
	return join(engineDir(version), '.setup-stamp.json');
}

function upToDate(version, stamp) {
	if (!existsSync(stampFile(version))) return false;
	try {
		return JSON.stringify(JSON.parse(readFileSync(stampFile(version), 'utf8'))) === JSON.stringify(stamp);
	} catch {
		return false;
	}
}

function copyEngine(version) {
	const dir = engineDir(version);
	log(`copying Apps-Engine ${version} to ${dir}`);
	rmSync(engineHome(version), { recursive: true, force: true });
	mkdirSync(engineTempDir(version), { recursive: true });
	cpSync(enginePackageDir(version), dir, { recursive: true, dereference: true });
	const shimDir = join(dir, 'deno-runtime', 'shims');
	mkdirSync(shimDir, { recursive: true });
	for (const f of shimFiles(version)) cpSync(join(shimSourceDir, f), join(shimDir, f));

	const denoJsonPath = join(dir, 'deno-runtime', 'deno.jsonc');
	// deno.jsonc of the engine is plain JSON (no comments); parse defensively anyway.
	const text = readFileSync(denoJsonPath, 'utf8').replace(/^\s*\/\/.*$/gm, '');
	const config = JSON.parse(text);
	for (const [specifier, shim] of Object.entries(HOSTED[version].denoImports)) config.imports[specifier] = `./shims/${shim}`;
	for (const specifier of HOSTED[version].denoDropImports) delete config.imports[specifier];
	writeFileSync(denoJsonPath, JSON.stringify(config, null, '\t'));
	// The shipped lock file pins the JSR packages we replaced; let Deno write a fresh one.
	rmSync(join(dir, 'deno-runtime', 'deno.lock'), { force: true });
}

function fillDenoCache(version) {
	log(`filling the Deno cache of Apps-Engine ${version} (npm packages of the runtime)`);
	const dir = engineDir(version);
	const r = spawnSync(join(denoBinDir, 'deno'), ['cache', 'main.ts'], {
		cwd: join(dir, 'deno-runtime'),
		env: { ...process.env, DENO_DIR: join(dir, '.deno-cache'), DENO_NO_UPDATE_CHECK: '1' },
		stdio: quiet ? 'pipe' : 'inherit',
		encoding: 'utf8',
	});
	if (r.status !== 0) fail(`deno cache failed for Apps-Engine ${version}:\n${r.stderr ?? ''}`);
}

let versions;
try {
	versions = process.argv.includes('--all') ? hostedVersions() : [selectedVersion()];
} catch (err) {
	fail(err instanceof Error ? err.message : String(err));
}
ensureInstalled(versions);
for (const version of versions) {
	const stamp = wantedStamp(version);
	if (upToDate(version, stamp)) {
		log(`Apps-Engine ${version} ready (nothing to do)`);
		continue;
	}
	copyEngine(version);
	fillDenoCache(version);
	writeFileSync(stampFile(version), JSON.stringify(stamp));
	log(`Apps-Engine ${version} ready`);
}
