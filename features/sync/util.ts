/** Runs `fn` over the items with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(items: ReadonlyArray<T>, limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const out = new Array<R>(items.length);
	let next = 0;
	const worker = async (): Promise<void> => {
		for (;;) {
			const i = next++;
			if (i >= items.length) return;
			out[i] = await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return out;
}

/** JSON with object keys sorted, so equal content compares equal whatever the key order it arrived in. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) => {
		if (v && typeof v === 'object' && !Array.isArray(v)) {
			const sorted: Record<string, unknown> = {};
			for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
			return sorted;
		}
		return v;
	});
}

/** A random id for a run, a lease owner or a revision: time first, so ids sort roughly by creation. */
export function newRunId(now = Date.now()): string {
	return `${now.toString(36).padStart(9, '0')}-${Math.random().toString(36).slice(2, 10)}`;
}
