import { clone, randomId, WorldError } from './base';
import type { PersistenceRecord } from './types';

/**
 * The apps' persistence (Rocket.Chat's `apps_persistence` collection): records of an app, found by
 * id or by associations through an index, as MongoDB indexes them. Self-contained: the world holds
 * one and hands its operations to the engine bridges.
 */
export class AppPersistence {
	readonly records = new Map<string, PersistenceRecord>();
	/** Index of the app records by association (`appId|model|id` -> record ids). */
	private readonly index = new Map<string, Set<string>>();

	create(appId: string, data: unknown, associations: Array<{ model: string; id: string }> = []): string {
		const id = randomId();
		const rec: PersistenceRecord = { id, appId, data: clone(data), associations: associations.map((a) => ({ ...a })) };
		this.records.set(id, rec);
		for (const key of indexKeys(rec)) {
			let ids = this.index.get(key);
			if (!ids) this.index.set(key, (ids = new Set()));
			ids.add(id);
		}
		return id;
	}

	private delete(rec: PersistenceRecord): void {
		this.records.delete(rec.id);
		for (const key of indexKeys(rec)) {
			const ids = this.index.get(key);
			ids?.delete(rec.id);
			if (ids?.size === 0) this.index.delete(key);
		}
	}

	readById(appId: string, id: string): unknown {
		const rec = this.records.get(id);
		return rec && rec.appId === appId ? clone(rec.data) : undefined;
	}

	/** The app's records holding every association, in insertion order; an indexed lookup, not a scan. */
	find(appId: string, associations: Array<{ model: string; id: string }>): PersistenceRecord[] {
		const matches = (rec: PersistenceRecord) =>
			rec.appId === appId && associations.every((a) => rec.associations.some((b) => b.model === a.model && b.id === a.id));
		if (associations.length === 0) return [...this.records.values()].filter(matches);
		let smallest: Set<string> | undefined;
		for (const a of associations) {
			const ids = this.index.get(`${appId}|${a.model}|${a.id}`);
			if (!ids) return [];
			if (!smallest || ids.size < smallest.size) smallest = ids;
		}
		const out: PersistenceRecord[] = [];
		for (const id of smallest ?? []) {
			const rec = this.records.get(id);
			if (rec && matches(rec)) out.push(rec);
		}
		return out;
	}

	readByAssociations(appId: string, associations: Array<{ model: string; id: string }>): unknown[] {
		return this.find(appId, associations).map((r) => clone(r.data));
	}

	remove(appId: string, id: string): unknown {
		const rec = this.records.get(id);
		if (!rec || rec.appId !== appId) return undefined;
		this.delete(rec);
		return rec.data;
	}

	removeByAssociations(appId: string, associations: Array<{ model: string; id: string }>): unknown[] | undefined {
		const found = this.find(appId, associations);
		if (found.length === 0) return undefined;
		for (const r of found) this.delete(r);
		return found.map((r) => r.data);
	}

	update(appId: string, id: string, data: unknown, upsert: boolean): string {
		const rec = this.records.get(id);
		if (rec && rec.appId === appId) {
			rec.data = clone(data);
			return id;
		}
		if (!upsert) throw new WorldError('error-not-found', `No record with id ${id}`);
		this.records.set(id, { id, appId, data: clone(data), associations: [] });
		return id;
	}

	/** Updates the first record holding all associations (MongoDB update without multi), or inserts. */
	updateByAssociations(appId: string, associations: Array<{ model: string; id: string }>, data: unknown, upsert: boolean): string {
		const [first] = this.find(appId, associations);
		if (first) {
			first.data = clone(data);
			return first.id;
		}
		if (!upsert) throw new WorldError('error-not-found', 'No record with these associations');
		return this.create(appId, data, associations);
	}

	purge(appId: string): void {
		for (const rec of [...this.records.values()]) if (rec.appId === appId) this.delete(rec);
	}
}

function indexKeys(rec: PersistenceRecord): string[] {
	return rec.associations.map((a) => `${rec.appId}|${a.model}|${a.id}`);
}
