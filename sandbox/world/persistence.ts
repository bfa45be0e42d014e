/**
 * Apps-Engine app persistence as Rocket.Chat stores it (the `rocketchat_apps_persistence` collection,
 * written by the server's persistence bridge), with the same semantics, including the ones that hurt:
 *
 * - `create` / `createWithAssociations`: a plain insert. Nothing is unique but the record id.
 * - `readByAssociations`: every record of the app holding all the given associations, in any order
 *   (MongoDB `associations: { $all: [...] }`), in insertion order.
 * - `removeByAssociations`: removes every record such a read returns (`deleteMany`); answers the removed
 *   data, or undefined when nothing matched.
 * - `updateByAssociations`: an update of the first record whose association list is exactly the given
 *   list (MongoDB equality on an array: same length, same order, same `{model, id}` pairs); with upsert,
 *   an insert when none matches. There is no unique index, so two upserts that both find nothing both
 *   insert: twin records. A record written with more associations (tags) is never matched by an update
 *   that names fewer.
 * - `update` by id: Rocket.Chat's bridge answers "Not implemented.".
 *
 * The atomic steps are separate methods (`matchExact`, `applyUpsert`) so the sandbox's adversarial mode
 * can let other calls run between finding and writing, as two server instances do.
 */
import { randomBytes } from 'node:crypto';

import type { PersistenceRecord } from './types';

export type Association = { model: string; id: string };

export class AppPersistence {
	private readonly records = new Map<string, PersistenceRecord>();
	/** Index by association (`appId|model|id` -> record ids), as MongoDB indexes `{appId, associations}`. */
	private readonly index = new Map<string, Set<string>>();

	get size(): number {
		return this.records.size;
	}

	values(): IterableIterator<PersistenceRecord> {
		return this.records.values();
	}

	create(appId: string, data: unknown, associations: ReadonlyArray<Association> = []): string {
		if (typeof data !== 'object' || data === null) throw new Error('Attempted to store an invalid data type, it must be an object.');
		const id = objectId();
		const rec: PersistenceRecord = {
			id,
			appId,
			data: clone(data),
			associations: associations.map((a) => ({ model: a.model, id: a.id })),
		};
		this.records.set(id, rec);
		for (const key of indexKeys(rec)) {
			let ids = this.index.get(key);
			if (!ids) this.index.set(key, (ids = new Set()));
			ids.add(id);
		}
		return id;
	}

	readById(appId: string, id: string): unknown {
		const rec = this.records.get(id);
		return rec && rec.appId === appId ? clone(rec.data) : undefined;
	}

	/** The app's records holding every association (any order, more allowed), in insertion order. */
	find(appId: string, associations: ReadonlyArray<Association>): PersistenceRecord[] {
		const holds = (rec: PersistenceRecord) =>
			rec.appId === appId && associations.every((a) => rec.associations.some((b) => b.model === a.model && b.id === a.id));
		if (associations.length === 0) return [...this.records.values()].filter(holds);
		let smallest: Set<string> | undefined;
		for (const a of associations) {
			const ids = this.index.get(`${appId}|${a.model}|${a.id}`);
			if (!ids) return [];
			if (!smallest || ids.size < smallest.size) smallest = ids;
		}
		const out: PersistenceRecord[] = [];
		for (const id of smallest ?? []) {
			const rec = this.records.get(id);
			if (rec && holds(rec)) out.push(rec);
		}
		// Set iteration follows insertion into that index set, which is record insertion order.
		return out;
	}

	readByAssociations(appId: string, associations: ReadonlyArray<Association>): unknown[] {
		return this.find(appId, associations).map((r) => clone(r.data));
	}

	remove(appId: string, id: string): unknown {
		const rec = this.records.get(id);
		if (!rec || rec.appId !== appId) return undefined;
		this.delete(rec);
		return rec.data;
	}

	removeByAssociations(appId: string, associations: ReadonlyArray<Association>): unknown[] | undefined {
		const found = this.find(appId, associations);
		if (found.length === 0) return undefined;
		for (const r of found) this.delete(r);
		return found.map((r) => r.data);
	}

	update(_appId: string, _id: string, data: unknown, _upsert: boolean): string {
		if (typeof data !== 'object' || data === null) throw new Error('Attempted to store an invalid data type, it must be an object.');
		throw new Error('Not implemented.');
	}

	/** The first record whose association list equals `associations` exactly (MongoDB array equality). */
	matchExact(appId: string, associations: ReadonlyArray<Association>): string | undefined {
		for (const rec of this.find(appId, associations)) {
			if (rec.associations.length !== associations.length) continue;
			if (rec.associations.every((b, i) => b.model === associations[i].model && b.id === associations[i].id)) return rec.id;
		}
		return undefined;
	}

	/**
	 * Second half of an update: writes the record `matched` found (if it still exists), or inserts when
	 * `upsert` (also when the matched record was removed in between, as an upsert that finds nothing).
	 * Returns the inserted id, or '' for an update (the bridge answers the upserted id only).
	 */
	applyUpsert(
		appId: string,
		matched: string | undefined,
		associations: ReadonlyArray<Association>,
		data: unknown,
		upsert: boolean,
	): string {
		const rec = matched !== undefined ? this.records.get(matched) : undefined;
		if (rec) {
			rec.data = clone(data);
			return '';
		}
		if (!upsert) return '';
		return this.create(appId, data, associations);
	}

	updateByAssociations(appId: string, associations: ReadonlyArray<Association>, data: unknown, upsert: boolean): string {
		if (typeof data !== 'object' || data === null) throw new Error('Attempted to store an invalid data type, it must be an object.');
		return this.applyUpsert(appId, this.matchExact(appId, associations), associations, data, upsert);
	}

	purge(appId: string): void {
		for (const rec of [...this.records.values()]) if (rec.appId === appId) this.delete(rec);
	}

	private delete(rec: PersistenceRecord): void {
		this.records.delete(rec.id);
		for (const key of indexKeys(rec)) {
			const ids = this.index.get(key);
			ids?.delete(rec.id);
			if (ids?.size === 0) this.index.delete(key);
		}
	}
}

/** A MongoDB ObjectId-like hex id (the bridge answers `insertedId.toString()`). */
function objectId(): string {
	return randomBytes(12).toString('hex');
}

function clone<T>(v: T): T {
	return v === undefined ? v : structuredClone(v);
}

function indexKeys(rec: PersistenceRecord): string[] {
	return rec.associations.map((a) => `${rec.appId}|${a.model}|${a.id}`);
}
