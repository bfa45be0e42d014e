/**
 * Checks the package that `npm run package` produces (dist/<nameSlug>_<version>.zip), as a
 * Rocket.Chat server would read it, and that packaging fails with the compiler's own error.
 * `npm test` packages before running the tests; run alone, this file packages when the zip is missing.
 */
import { parse } from 'acorn';
import AdmZip from 'adm-zip';
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';

import { DEFINITIONS, hostedVersions, pinnedVersion } from '../../sandbox/engines/engines.mjs';

const ROOT = join(__dirname, '..', '..');
const nodeRequire = createRequire(join(ROOT, 'package.json'));

/** The app's id: fixed forever, or Rocket.Chat treats a new version as another app. */
const APP_ID = 'd347b2b5-1e67-47d1-94e9-11933c551119';
const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt-BR'];
/** What the Apps-Engine runtime lets an app `require` (deno-runtime/handlers/app/construct.ts). */
const ALLOWED_NATIVE = [
	'path',
	'url',
	'crypto',
	'buffer',
	'stream',
	'net',
	'http',
	'https',
	'zlib',
	'util',
	'punycode',
	'os',
	'querystring',
	'fs',
];
const ALLOWED_EXTERNAL = ['uuid'];

interface AppInfo {
	id: string;
	name: string;
	nameSlug: string;
	version: string;
	classFile: string;
	iconFile: string;
	requiredApiVersion: string;
	permissions: Array<{ name: string }>;
	implements: string[];
}

const semver = nodeRequire('semver') as {
	validRange(range: string): string | null;
	satisfies(version: string, range: string): boolean;
	minVersion(range: string): { version: string } | null;
};

function isAllowedModule(name: string): boolean {
	const bare = name.replace(/^node:/, '');
	return ALLOWED_NATIVE.includes(bare) || ALLOWED_EXTERNAL.includes(name) || name.startsWith('@rocket.chat/apps-engine/');
}

/** Every `require("<literal>")` call in a JavaScript source (real calls only, not text in strings). */
function requiredModules(source: string, fileName: string): string[] {
	const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
	const found: string[] = [];
	const visit = (node: ts.Node): void => {
		if (
			ts.isCallExpression(node) &&
			ts.isIdentifier(node.expression) &&
			node.expression.text === 'require' &&
			node.arguments.length >= 1 &&
			ts.isStringLiteralLike(node.arguments[0])
		) {
			found.push(node.arguments[0].text);
		}
		if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
		if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length >= 1) {
			const arg = node.arguments[0];
			found.push(ts.isStringLiteralLike(arg) ? arg.text : '<dynamic import>');
		}
		ts.forEachChild(node, visit);
	};
	visit(file);
	return found;
}

/** All permission names the engine this app is built against knows. */
function knownPermissionNames(): Set<string> {
	const { AppPermissions } = nodeRequire('@rocket.chat/apps-engine/server/permissions/AppPermissions') as { AppPermissions: unknown };
	const names = new Set<string>();
	const walk = (o: unknown): void => {
		if (o === null || typeof o !== 'object') return;
		const rec = o as Record<string, unknown>;
		if (typeof rec.name === 'string') names.add(rec.name);
		for (const v of Object.values(rec)) walk(v);
	};
	walk(AppPermissions);
	return names;
}

/** Runs the main file as the Deno runtime does (same wrapper, same module filter), returning its exports. */
async function loadLikeTheRuntime(code: string): Promise<Record<string, unknown>> {
	const requireForApp = (name: string): unknown => {
		if (!isAllowedModule(name)) throw new Error(`Module ${name} is not allowed`);
		return nodeRequire(
			name.startsWith('@rocket.chat/') || ALLOWED_EXTERNAL.includes(name) ? name : `node:${name.replace(/^node:/, '')}`,
		);
	};
	// eslint-disable-next-line @typescript-eslint/no-implied-eval
	const wrap = new Function(
		'require',
		`const { Buffer } = require('buffer');
		const exports = {};
		const module = { exports };
		const _console = { log() {}, error() {}, debug() {}, info() {}, warn() {} };
		const result = (async (exports, module, require, Buffer, console, globalThis, Deno) => {
			${code};
		})(exports, module, require, Buffer, _console, undefined, undefined);
		return result.then(() => module.exports);`,
	) as (req: (name: string) => unknown) => Promise<Record<string, unknown>>;
	return wrap(requireForApp);
}

describe('package (dist zip)', function () {
	this.timeout(120_000);

	const source = JSON.parse(readFileSync(join(ROOT, 'app.json'), 'utf8')) as AppInfo;
	const zipPath = join(ROOT, 'dist', `${source.nameSlug}_${source.version}.zip`);
	let zip: AdmZip;
	let info: AppInfo;
	let entries: string[];

	before(() => {
		if (!existsSync(zipPath)) {
			const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--quiet'], { cwd: ROOT, encoding: 'utf8' });
			expect(r.status, `packaging failed:\n${r.stdout}${r.stderr}`).to.equal(0);
		}
		zip = new AdmZip(zipPath);
		entries = zip.getEntries().map((e) => e.entryName);
		info = JSON.parse(zip.readAsText('app.json')) as AppInfo;
	});

	describe('app.json', () => {
		it('has the fixed id, the name and the version of the source', () => {
			expect(info.id).to.equal(APP_ID);
			expect(source.id).to.equal(APP_ID);
			expect(info.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
			expect(info.name).to.equal('Rocket Integration');
			expect(info.version).to.equal(source.version);
			expect(semver.validRange(info.version), 'version is semver').to.not.equal(null);
		});

		it('names the main class file that is in the package', () => {
			expect(info.classFile).to.equal('RocketIntegrationApp.ts');
			// The server reads the compiled file: classFile with .ts replaced by .js.
			expect(entries).to.include(info.classFile.replace('.ts', '.js'));
		});

		it('requires the range of engines it is tested on, as app.json declares it: the CLI did not rewrite it', () => {
			const range = info.requiredApiVersion;
			// rc-apps rewrites the range to the exact @rocket.chat/apps-engine devDependency when they differ,
			// which would shut out every other engine.
			expect(range, 'requiredApiVersion in the zip').to.equal(source.requiredApiVersion);
			expect(range).to.not.equal(pinnedVersion());
			expect(semver.validRange(range), `requiredApiVersion ${range}`).to.not.equal(null);
			// From the oldest engine the tests run on (npm run test:engines) ...
			const hosted = hostedVersions();
			expect(semver.minVersion(range)?.version, 'the lowest engine accepted is the oldest one tested').to.equal(hosted[0]);
			// ... through every hosted one and the newest definitions the code is type-checked against, within 1.x.
			for (const v of [...hosted, ...Object.keys(DEFINITIONS)]) {
				expect(semver.satisfies(v, range), `${v} satisfies ${range}`).to.equal(true);
			}
			expect(semver.satisfies('2.0.0', range), 'a 2.x engine is not promised').to.equal(false);
		});

		it('is held to the same range by the probe app the sandbox tests deploy with the official CLI', () => {
			const probe = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/probe-app/app.json'), 'utf8')) as AppInfo;
			const probePackage = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/probe-app/package.json'), 'utf8')) as {
				devDependencies: Record<string, string>;
			};
			expect(probe.requiredApiVersion).to.equal(source.requiredApiVersion);
			// The CLI compares the two and rewrites app.json when they differ.
			expect(probePackage.devDependencies['@rocket.chat/apps-engine']).to.equal(source.requiredApiVersion);
		});

		it('declares its permissions, each known to the engine', () => {
			expect(info.permissions).to.be.an('array');
			const known = knownPermissionNames();
			for (const p of info.permissions) {
				expect(p.name, JSON.stringify(p)).to.be.a('string');
				expect(known.has(p.name), `unknown permission ${p.name}`).to.equal(true);
			}
			expect(info.implements).to.be.an('array');
		});
	});

	describe('contents', () => {
		it('holds the app only: app.json, one main file, i18n and the icon', () => {
			const unexpected = entries.filter(
				(e) =>
					!['.packagedby', 'app.json', 'RocketIntegrationApp.js', source.iconFile].includes(e) &&
					!/^i18n\/[A-Za-z-]+\.json$/.test(e),
			);
			expect(unexpected).to.deep.equal([]);
		});

		it('ships every language file, as in i18n/', () => {
			for (const lang of LANGUAGES) {
				const name = `i18n/${lang}.json`;
				expect(entries, name).to.include(name);
				expect(JSON.parse(zip.readAsText(name))).to.deep.equal(JSON.parse(readFileSync(join(ROOT, name), 'utf8')));
			}
		});

		it('ships the icon as a PNG', () => {
			expect(entries).to.include(info.iconFile);
			const icon = zip.getEntry(info.iconFile)?.getData();
			expect(icon?.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');
		});

		it('parses as ES2017, as Apps-Engine 1.53 parses app code', () => {
			const code = zip.readAsText('RocketIntegrationApp.js');
			const options = { sourceType: 'script', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true } as const;
			expect(() => parse(code, { ...options, ecmaVersion: 2017 })).to.not.throw();
			// The check can fail: a regex literal with a Unicode property escape is ES2018.
			expect(() => parse('const r = /\\p{L}/u;', { ...options, ecmaVersion: 2017 })).to.throw(/Invalid/);
		});

		it('requires no module outside the runtime allowed list', () => {
			const offending: string[] = [];
			for (const e of zip.getEntries()) {
				if (!e.entryName.endsWith('.js')) continue;
				for (const m of requiredModules(e.getData().toString('utf8'), e.entryName)) {
					if (!isAllowedModule(m)) offending.push(`${e.entryName}: ${m}`);
				}
			}
			expect(offending).to.deep.equal([]);
		});

		it('loads as the runtime loads it, with RocketIntegrationApp as its first export', async () => {
			const exports = await loadLikeTheRuntime(zip.readAsText('RocketIntegrationApp.js'));
			const first = Object.values(exports)[0];
			expect(Object.keys(exports)[0]).to.equal('RocketIntegrationApp');
			expect(first).to.be.a('function');
			const { App } = nodeRequire('@rocket.chat/apps-engine/definition/App') as { App: new (...args: never[]) => unknown };
			const AppClass = first as new (i: unknown, l: unknown, a: unknown) => { getName(): string; getID(): string };
			expect(AppClass.prototype).to.be.instanceOf(App);
			const noop = (): void => undefined;
			const logger = { debug: noop, info: noop, log: noop, warn: noop, error: noop, success: noop };
			const app = new AppClass(info, logger, {});
			expect(app.getName()).to.equal('Rocket Integration');
			expect(app.getID()).to.equal(APP_ID);
		});
	});

	describe('packaging a project that does not compile', () => {
		let dir: string;

		before(() => {
			dir = mkdtempSync(join(tmpdir(), 'rocket-integration-pkg-'));
			// The packager's own list of app sources, plus what type-checking needs.
			const sources = JSON.parse(readFileSync(join(ROOT, 'scripts', 'app-sources.json'), 'utf8')) as string[];
			const app = [...sources, 'tsconfig.json'];
			for (const entry of app) {
				if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
			}
			mkdirSync(join(dir, 'scripts'));
			for (const f of ['package.mjs', 'app-sources.json', 'app-sources.mjs'])
				cpSync(join(ROOT, 'scripts', f), join(dir, 'scripts', f));
			symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
			appendFileSync(join(dir, 'RocketIntegrationApp.ts'), "\nexport const packagingTestBrokenValue: number = 'not a number';\n");
		});

		after(() => {
			if (dir) rmSync(dir, { recursive: true, force: true });
		});

		it('fails with the compiler error, not the CLI misleading message', function () {
			this.timeout(60_000);
			const r = spawnSync(process.execPath, [join(dir, 'scripts', 'package.mjs')], { cwd: dir, encoding: 'utf8' });
			const output = `${r.stdout}${r.stderr}`;
			expect(r.status, output).to.not.equal(0);
			expect(output).to.contain('RocketIntegrationApp.ts');
			expect(output).to.contain('TS2322');
			expect(output).to.not.contain('There must be an exported class');
			expect(existsSync(join(dir, 'dist')), 'no zip is written').to.equal(false);
		});
	});
});
