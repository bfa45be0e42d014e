// The one recipe for the ids and references the app makes up (records, runs, leases, triggers, log
// references): the time in base 36, padded so that ids sort by creation time, and random characters so
// that two instances making one in the same millisecond do not collide. Not secrets: those come from
// adapters/crypto.ts.

/** Characters of the random part. */
const RANDOM_CHARS = 8;
/** Digits of a millisecond time in base 36 until the year 5188. */
const TIME_CHARS = 9;

/** `count` random characters of [0-9a-z]. */
export function randomChars(count = RANDOM_CHARS, random: () => number = Math.random): string {
	let out = '';
	while (out.length < count) out += random().toString(36).slice(2) || '0';
	return out.slice(0, count);
}

/** A unique id that sorts by creation time: `<prefix><time>-<random>`, such as `log-0mi7x2k1c-4f0a9zq1`. */
export function newId(prefix = '', now = Date.now(), random: () => number = Math.random): string {
	return `${prefix}${Math.max(0, Math.floor(now)).toString(36).padStart(TIME_CHARS, '0')}-${randomChars(RANDOM_CHARS, random)}`;
}

/** A short, non-secret reference for log entries and error replies: `log-0mi7x2k1c-4f0a9zq1`. */
export function newReference(prefix = 'log'): string {
	return newId(`${prefix}-`);
}
