/**
 * Room names for new rooms. Rocket.Chat's default name validation (`UTF8_Channel_Names_Validation`)
 * accepts `[0-9a-zA-Z-_.]+`; names are unique across all rooms and compared case-insensitively here.
 *
 * The rule, from the group's name:
 * 1. Fold accents (Unicode NFKD, combining marks dropped) and a few letters that do not decompose
 *    (ß -> ss, æ -> ae, ø -> o, œ -> oe, ł -> l, đ -> d, þ -> th); lower-case.
 * 2. Drop apostrophes; replace every run of other characters outside `[0-9a-z-_.]` by `-`.
 * 3. Collapse a run of separators (`-`, `_`, `.`) to its first character; trim separators at both ends.
 * 4. Cut to `ROOM_NAME_MAX_BASE` characters (and trim separators again).
 * 5. Empty result: the same steps on the group key; still empty: `group`.
 * 6. De-duplicate against every existing room name and every name given earlier in the same plan:
 *    `base`, then `base-2`, `base-3`, ... (rooms are named in ascending group-key order).
 * A room keeps its name afterwards: renaming the group does not rename the room.
 */

/** Longest base name; a suffix (`-` and digits) may follow. */
export const ROOM_NAME_MAX_BASE = 60;

/** Characters Rocket.Chat accepts by default in a room name. */
export const ROOM_NAME_PATTERN = /^[0-9a-zA-Z\-_.]+$/;

const LETTERS: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', ł: 'l', đ: 'd', þ: 'th', ð: 'd', ı: 'i' };

function slug(text: string): string {
	let s = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[ßæøœłđþðı]/g, (c) => LETTERS[c] ?? '')
		.replace(/['’`´]/g, '')
		.replace(/[^0-9a-z\-_.]+/g, '-')
		.replace(/[-_.]{2,}/g, (run) => run[0])
		.replace(/^[-_.]+|[-_.]+$/g, '');
	if (s.length > ROOM_NAME_MAX_BASE) s = s.slice(0, ROOM_NAME_MAX_BASE).replace(/[-_.]+$/, '');
	return s;
}

/** Steps 1-5 of the rule: the base name of a group's room, before de-duplication. */
export function roomNameBase(groupName: string, groupKey: string): string {
	return slug(groupName) || slug(groupKey) || 'group';
}

/**
 * Step 6: hands out unique names. `taken` holds existing room names (any case). Remembers the next
 * suffix per base, so naming many groups with the same name stays linear.
 */
export class RoomNamer {
	private readonly taken: Set<string>;
	private readonly nextSuffix = new Map<string, number>();

	constructor(taken: Iterable<string>) {
		this.taken = new Set<string>();
		for (const name of taken) this.taken.add(name.toLowerCase());
	}

	/** A unique name for the group's room; reserves it. */
	name(groupName: string, groupKey: string): string {
		const base = roomNameBase(groupName, groupKey);
		let candidate = base;
		let n = this.nextSuffix.get(base) ?? 2;
		if (this.taken.has(candidate)) {
			do {
				candidate = `${base}-${n}`;
				n++;
			} while (this.taken.has(candidate));
			this.nextSuffix.set(base, n);
		}
		this.taken.add(candidate);
		return candidate;
	}
}
