import { join } from 'node:path';

import { engineDir, engineTempDir, selectedVersion } from '../engines/engines.mjs';

/** The Apps-Engine version this sandbox hosts: ENGINE, or the version package.json pins. */
export const ENGINE_VERSION = selectedVersion();

/** Where setup copied that engine (outside node_modules, so Deno runs its TypeScript runtime). */
export const ENGINE_DIR = engineDir(ENGINE_VERSION);

/** The engine's temporary files (1.62 links its Deno runtime there). */
export const ENGINE_TEMP_DIR = engineTempDir(ENGINE_VERSION);

/** Loads a module of the engine copy; types come from the pinned version in node_modules. */
export function engineRequire<T>(relative: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(join(ENGINE_DIR, relative)) as T;
}
