// Which Apps-Engine the sandbox hosts: the table of hosted engines (engines.json), the default (the
// version package.json pins), the ENGINE switch, and where setup prepares each engine. Shared by the
// set-up script, the test scripts and the sandbox itself, so they always agree.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const table = JSON.parse(readFileSync(join(ROOT, 'sandbox', 'engines', 'engines.json'), 'utf8'));

/** Hosted engines by version: the npm package (or alias) each comes from and its Deno import shims. */
export const HOSTED = table.hosted;
/** Engines npm ships as type definitions only, by version. */
export const DEFINITIONS = table.definitions;

/** Compares two x.y.z versions. */
function compareVersions(a, b) {
	const pa = a.split('.').map(Number);
	const pb = b.split('.').map(Number);
	for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
	return 0;
}

/** Every hosted engine version, oldest first. */
export function hostedVersions() {
	return Object.keys(HOSTED).sort(compareVersions);
}

/** The engine the project pins (the exact devDependency on @rocket.chat/apps-engine): the default. */
export function pinnedVersion() {
	const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
	return pkg.devDependencies['@rocket.chat/apps-engine'];
}

/** The engine selected by ENGINE (the pinned one when unset); throws, naming the choices, for one not hosted. */
export function selectedVersion(env = process.env) {
	const wanted = (env.ENGINE ?? '').trim() || pinnedVersion();
	if (!Object.hasOwn(HOSTED, wanted)) {
		throw new Error(`ENGINE=${wanted} is not an Apps-Engine the sandbox hosts; choose one of ${hostedVersions().join(', ')}`);
	}
	return wanted;
}

/** Where setup prepares an engine: its copy (`apps-engine/`, outside node_modules) and its temporary files (`tmp/`). */
export function engineHome(version) {
	return join(ROOT, '.sandbox', 'engines', version);
}

/** The engine's copy. The folder keeps the package's own name: the 1.62 runtime locates files by it. */
export function engineDir(version) {
	return join(engineHome(version), 'apps-engine');
}

/** Temporary files of the engine (1.62 links its Deno runtime there and keeps uploads there). */
export function engineTempDir(version) {
	return join(engineHome(version), 'tmp');
}

/** The installed npm package of an engine (hosted or definitions only). */
export function enginePackageDir(version) {
	const entry = HOSTED[version] ?? DEFINITIONS[version];
	if (!entry) throw new Error(`unknown Apps-Engine ${version}`);
	return join(ROOT, 'node_modules', entry.package);
}
