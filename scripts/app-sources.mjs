// The app's sources, from their one list (scripts/app-sources.json): what goes into the package, and,
// derived from it, the TypeScript the app is made of (type-checked by the packager and the engine
// checks, linted as app code by ESLint). A new top-level folder of the app is added to that list only.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every file and folder of the app, as listed in scripts/app-sources.json. */
export function appSources(root = ROOT) {
	return JSON.parse(readFileSync(join(root, 'scripts', 'app-sources.json'), 'utf8'));
}

/** The app's TypeScript roots: its `.ts` files and its folders (data folders such as i18n/ hold no `.ts`). */
export function appCodeRoots(root = ROOT) {
	return appSources(root).filter((entry) => entry.endsWith('.ts') || extname(entry) === '');
}

/** The app's TypeScript as globs (ESLint `files`). */
export function appCodeGlobs(root = ROOT) {
	return appCodeRoots(root).map((entry) => (entry.endsWith('.ts') ? entry : `${entry}/**/*.ts`));
}

/**
 * Writes a tsconfig that checks the app's sources alone (the packaged runtime has no mocha or test
 * types), over tsconfig.json's compiler options; returns its path. `extra` adds compiler options.
 */
export function writeAppTsconfig(file, extra = {}, root = ROOT) {
	const dir = dirname(file);
	mkdirSync(dir, { recursive: true });
	const rel = (p) => relative(dir, join(root, p)) || '.';
	writeFileSync(
		file,
		JSON.stringify(
			{
				extends: rel('tsconfig.json'),
				compilerOptions: { types: ['node'], ...extra },
				include: appCodeRoots(root).map(rel),
				exclude: [rel('node_modules')],
			},
			null,
			'\t',
		),
	);
	return file;
}
