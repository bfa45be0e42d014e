#!/usr/bin/env node
// Packages the app into dist/<nameSlug>_<version>.zip, installable in Rocket.Chat.
//
// 1. Type-checks the app's sources with the project's TypeScript, so a compile error is shown as it
//    is (the official CLI hides it behind "There must be an exported class ...").
// 2. Runs the official `rc-apps package` on a staging copy of the app's sources only (tests and
//    tooling stay out): it validates app.json and permissions, checks the main class, and records
//    the interfaces the class implements into app.json.
//    The CLI rewrites app.json's `requiredApiVersion` to the @rocket.chat/apps-engine devDependency
//    whenever the two differ (a range would silently become the one pinned version): the staging
//    copy's package.json names the declared range instead, and packaging fails if the CLI's app.json
//    still differs from the source's.
// 3. Bundles the app and its npm runtime dependencies into one JavaScript file with esbuild (the
//    Apps-Engine runtime refuses to `require` any module outside a short allowed list), as ES2017:
//    Apps-Engine 1.53 parses app code as ES2017 before running it. Checks that it parses so, then
//    writes the final zip: app.json from step 2, the bundle, i18n files and the icon.
import { parse } from 'acorn';
import AdmZip from 'adm-zip';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	cpSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { appSources, writeAppTsconfig } from './app-sources.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const log = (msg) => {
	if (!quiet) process.stdout.write(`[package] ${msg}\n`);
};
const fail = (msg) => {
	process.stderr.write(`[package] ${msg}\n`);
	process.exit(1);
};

/** What belongs to the app itself (scripts/app-sources.json); everything else in the repository is tooling. */
export const APP_SOURCES = appSources(root);

const info = JSON.parse(readFileSync(join(root, 'app.json'), 'utf8'));
/** The syntax level of the bundle: what the oldest supported engine parses. */
const ES_VERSION = 2017;
const ES_TARGET = `es${ES_VERSION}`;
const mainFile = info.classFile.replace(/\.ts$/, '.js');
const zipPath = join(root, 'dist', `${info.nameSlug}_${info.version}.zip`);
const stampPath = `${zipPath}.sources`;

/** A digest of everything the zip is built from: unchanged digest, unchanged zip. */
function sourcesDigest() {
	const hash = createHash('sha256');
	const files = [];
	const walk = (rel) => {
		const abs = join(root, rel);
		if (!existsSync(abs)) return;
		if (statSync(abs).isDirectory()) {
			for (const name of readdirSync(abs).sort()) walk(join(rel, name));
		} else files.push(rel);
	};
	for (const entry of [
		...APP_SOURCES,
		'package-lock.json',
		'tsconfig.json',
		'scripts/package.mjs',
		'scripts/app-sources.json',
		'scripts/app-sources.mjs',
	])
		walk(entry);
	for (const f of files)
		hash.update(f)
			.update('\0')
			.update(readFileSync(join(root, f)))
			.update('\0');
	return hash.digest('hex');
}

// `--if-changed`: keep the existing zip when nothing it is built from changed (npm start, npm test).
const digest = sourcesDigest();
if (process.argv.includes('--if-changed') && existsSync(zipPath) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === digest) {
	log(`up to date: ${zipPath}`);
	process.exit(0);
}

// 1. Real compiler errors first.
log('type-checking the app sources');
const appTsconfig = writeAppTsconfig(join(root, '.build', `tsconfig.app-${process.pid}.json`), {}, root);
process.on('exit', () => rmSync(appTsconfig, { force: true }));
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', appTsconfig], {
	cwd: root,
	encoding: 'utf8',
});
if (tsc.status !== 0) {
	fail(`TypeScript errors in the app sources:\n${tsc.stdout}${tsc.stderr}`);
}

// 2. The official CLI on a staging copy.
// A staging folder per run, so that packaging runs at the same time do not trip over each other.
const stage = join(root, '.build', `stage-${process.pid}`);
rmSync(stage, { recursive: true, force: true });
process.on('exit', () => rmSync(stage, { recursive: true, force: true }));
mkdirSync(stage, { recursive: true });
for (const entry of APP_SOURCES) {
	const from = join(root, entry);
	if (existsSync(from)) cpSync(from, join(stage, entry), { recursive: true });
}
symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
// The CLI compares app.json's requiredApiVersion with this devDependency and, when they differ, rewrites app.json.
const stagedPackage = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8'));
stagedPackage.devDependencies['@rocket.chat/apps-engine'] = info.requiredApiVersion;
writeFileSync(join(stage, 'package.json'), JSON.stringify(stagedPackage, null, 2));

log('running rc-apps package');
const cli = spawnSync(process.execPath, [join(root, 'node_modules/@rocket.chat/apps-cli/bin/run'), 'package', '--force'], {
	cwd: stage,
	encoding: 'utf8',
	env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
});
const cliZip = join(stage, 'dist', `${info.nameSlug}_${info.version}.zip`);
if (cli.status !== 0 || !existsSync(cliZip)) {
	fail(`rc-apps package failed:\n${cli.stdout}${cli.stderr}`);
}
const cliEntries = new AdmZip(cliZip);
const packagedInfo = JSON.parse(cliEntries.readAsText('app.json'));
if (packagedInfo.requiredApiVersion !== info.requiredApiVersion) {
	fail(`rc-apps rewrote requiredApiVersion from ${info.requiredApiVersion} to ${packagedInfo.requiredApiVersion}`);
}

// 3. One bundle with every npm runtime dependency inside.
log('bundling the app with its runtime dependencies');
const bundle = await build({
	entryPoints: [join(root, info.classFile)],
	bundle: true,
	write: false,
	platform: 'node',
	format: 'cjs',
	target: ES_TARGET,
	external: ['@rocket.chat/apps-engine/*'],
	legalComments: 'inline',
	logLevel: 'silent',
	metafile: true,
	// The Deno runtime runs the app inside a function whose `globalThis` parameter is undefined, so a bundled library
	// reading `globalThis.X` throws (re2js does, for TextEncoder). Point those reads at the real global object.
	define: { globalThis: '__appGlobalThis' },
	banner: { js: "var __appGlobalThis = typeof globalThis === 'object' && globalThis !== null ? globalThis : Function('return this')();" },
});

const code = bundle.outputFiles[0].text;
try {
	// As the runtime reads it: a module body run inside an async function.
	parse(code, { ecmaVersion: ES_VERSION, sourceType: 'script', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true });
} catch (err) {
	const at = typeof err.pos === 'number' ? `\n  ...${code.slice(Math.max(0, err.pos - 60), err.pos + 60)}...` : '';
	fail(`the bundle is not ES${ES_VERSION}, which Apps-Engine 1.53 requires: ${err.message}${at}`);
}

const out = new AdmZip();
out.addFile('.packagedby', Buffer.from(cliEntries.readAsText('.packagedby')));
out.addFile('app.json', Buffer.from(JSON.stringify(packagedInfo, null, 4)));
out.addFile(mainFile, Buffer.from(code));
for (const e of cliEntries.getEntries()) {
	const name = e.entryName;
	if (name.startsWith('i18n/') || name === info.iconFile) out.addFile(name, e.getData());
}
const distDir = join(root, 'dist');
mkdirSync(distDir, { recursive: true });
// Written beside the target and renamed, so a reader never sees a half-written zip.
const partial = `${zipPath}.${process.pid}.part`;
out.writeZip(partial);
renameSync(partial, zipPath);
writeFileSync(stampPath, digest);
writeFileSync(join(root, '.build', 'bundle-meta.json'), JSON.stringify(bundle.metafile));
log(`implements: ${JSON.stringify(packagedInfo.implements)}`);
log(`app packaged at ${zipPath} (${(readFileSync(zipPath).length / 1024).toFixed(1)} KiB)`);
