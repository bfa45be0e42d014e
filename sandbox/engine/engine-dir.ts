import { join, resolve } from 'node:path';

/** Where setup copied the Apps-Engine (outside node_modules, so Deno runs its TypeScript runtime). */
export const ENGINE_DIR = process.env.SANDBOX_ENGINE_DIR ?? resolve(__dirname, '..', '..', '.sandbox', 'engine', 'apps-engine');

/** Loads a module of the engine copy; types come from the same version in node_modules. */
export function engineRequire<T>(relative: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(join(ENGINE_DIR, relative)) as T;
}
