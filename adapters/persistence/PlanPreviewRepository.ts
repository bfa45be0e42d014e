import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { PlanItem } from '../../core/admin/planPreview';
import { OpKind } from '../../core/sync/types';
import { RecordStore } from './RecordStore';

/** Items per stored page: a page record stays small (tens of kB). */
export const PREVIEW_PAGE_SIZE = 250;
/** Most items stored for one plan; beyond it a plan is counted, not listed. */
export const MAX_PREVIEW_ITEMS = 20_000;

/** Which plan the stored preview is, and how it is cut into page records. */
export interface PreviewPointer {
	fingerprint: string;
	/** Where the plan came from: a halted run, or a dry run. */
	source: 'halt' | 'dry-run';
	at: number;
	/** Changes in the plan, and items stored (at most MAX_PREVIEW_ITEMS). */
	total: number;
	stored: number;
	byKind: Partial<Record<OpKind, number>>;
	/** Conflicts of the plan (the conflicts themselves are in the halt record or the run result). */
	conflictCount: number;
}

interface PageRecord {
	fingerprint: string;
	page: number;
	items: PlanItem[];
}

const POINTER = 'pending';
const TAG = 'fp';

/**
 * The pending plan by name: a pointer record naming the plan, and its items in page records filed
 * under the plan's fingerprint. A new plan replaces the old one's pages; the same plan is written once.
 * Two instances storing the same plan at once leave twin pages with the same content (readers take the
 * first).
 */
export class PlanPreviewRepository {
	private readonly pointers = new RecordStore<PreviewPointer>('plan-preview');
	private readonly pages = new RecordStore<PageRecord>('plan-preview-page');

	pointer(read: IPersistenceRead): Promise<PreviewPointer | undefined> {
		return this.pointers.get(read, POINTER);
	}

	/** Stores the plan's items unless this plan is already stored. */
	async store(read: IPersistenceRead, persis: IPersistence, pointer: PreviewPointer, items: ReadonlyArray<PlanItem>): Promise<void> {
		const current = await this.pointer(read);
		if (current?.fingerprint === pointer.fingerprint && current.stored === Math.min(items.length, MAX_PREVIEW_ITEMS)) {
			if (current.source !== pointer.source)
				await this.pointers.put(persis, POINTER, { ...current, source: pointer.source, at: pointer.at });
			return;
		}
		if (current && current.fingerprint !== pointer.fingerprint) await this.pages.removeByTag(persis, TAG, current.fingerprint);
		await this.pages.removeByTag(persis, TAG, pointer.fingerprint);
		const kept = items.slice(0, MAX_PREVIEW_ITEMS);
		const writes: Array<Promise<void>> = [];
		for (let i = 0, page = 0; i < kept.length; i += PREVIEW_PAGE_SIZE, page++) {
			const record: PageRecord = { fingerprint: pointer.fingerprint, page, items: kept.slice(i, i + PREVIEW_PAGE_SIZE) };
			writes.push(this.pages.insert(persis, `${pointer.fingerprint}.${page}`, record, { [TAG]: pointer.fingerprint }));
		}
		await Promise.all(writes);
		await this.pointers.put(persis, POINTER, { ...pointer, stored: kept.length });
	}

	/** Items `offset .. offset+count` of the stored plan `fingerprint` (reads only the pages they are on). */
	async items(read: IPersistenceRead, fingerprint: string, offset: number, count: number): Promise<PlanItem[]> {
		if (count <= 0) return [];
		const first = Math.floor(offset / PREVIEW_PAGE_SIZE);
		const last = Math.floor((offset + count - 1) / PREVIEW_PAGE_SIZE);
		const pages = await Promise.all(
			Array.from({ length: last - first + 1 }, (_, k) => this.pages.get(read, `${fingerprint}.${first + k}`)),
		);
		const all: PlanItem[] = [];
		for (const p of pages) if (p) all.push(...p.items);
		const skip = offset - first * PREVIEW_PAGE_SIZE;
		return all.slice(skip, skip + count);
	}

	/** Forgets the preview (the plan was applied or is no longer pending). */
	async clear(read: IPersistenceRead, persis: IPersistence): Promise<void> {
		const current = await this.pointer(read);
		if (!current) return;
		await this.pointers.remove(persis, POINTER);
		await this.pages.removeByTag(persis, TAG, current.fingerprint);
	}
}
