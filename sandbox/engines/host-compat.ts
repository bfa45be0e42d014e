/**
 * What the sandbox host gives the hosted engines beyond the interfaces of the pinned engine (whose
 * type definitions the host is written against). The Deno-side differences are in engines.json and
 * deno-shims/; these are the Node-side ones. Each is harmless to the engines that do not use it.
 *
 * - 1.62: `AppManager` takes `tempFilePath`, a writable folder where it links its Deno runtime (Deno
 *   refuses to run it from inside node_modules) and keeps uploaded files.
 * - 1.53: the metadata storage is updated with whole items (`update(item)`; later engines send
 *   partial updates), and the log storage answers `find(query, options)` (later: `findPaginated`).
 */
import { ENGINE_TEMP_DIR } from '../engine/engine-dir';

/** The AppManager options every hosted engine accepts. */
export function appManagerOptions<T extends object>(deps: T): T {
	return { ...deps, tempFilePath: ENGINE_TEMP_DIR };
}

/** A 1.53 whole-item update, applied as the later engines' partial update of the same item. */
export interface LegacyMetadataStorage<I> {
	updatePartialAndReturnDocument(item: Partial<I>, options?: { unsetPermissionsGranted?: boolean }): Promise<I>;
}

export function updateWholeItem<I>(storage: LegacyMetadataStorage<I>, item: I): Promise<I> {
	return storage.updatePartialAndReturnDocument(item);
}
