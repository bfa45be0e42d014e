/**
 * Usernames for new accounts (external API, "POST sso/token"): `first.last` in lower case, accents
 * folded, characters outside `[a-z0-9._-]` dropped, then `first.last2`, `first.last3`, ... on
 * collision. Pure: no I/O, no clock, no randomness; the shell supplies what is taken.
 *
 * Decisions the contract leaves open (each one is tested in test/unit/identity.test.ts):
 * - Folding: NFKD (which also maps ligatures, full-width and other compatibility forms: `ﬁ` -> `fi`,
 *   `Ｓ` -> `s`), lower case, then LETTER_FOLDS for the Latin letters NFKD leaves whole (`ß` -> `ss`,
 *   `æ` -> `ae`, `ø` -> `o`, `ł` -> `l`, `đ`/`ð` -> `d`, `þ` -> `th`, `œ` -> `oe`, `ı` -> `i`, ...).
 *   Combining marks and everything else outside `[a-z0-9._-]` are dropped.
 * - Spaces and apostrophes inside a name are dropped, as the contract says: "Mary Ann" -> `maryann`,
 *   "O'Brien" -> `obrien`. Hyphens, dots and underscores are kept ("Jean-Luc" -> `jean-luc`).
 * - Separators (`.`, `-`, `_`) never start or end a name part, and a run of them (even with dropped
 *   characters in between, as in "A. - B") collapses to its first one: "..Doe.." -> `doe`,
 *   "Anne--Marie" -> `anne-marie`. So joining the parts with `.` never makes `..`, and a username
 *   never starts or ends with a separator nor holds two in a row.
 * - Only one of the names folds to something: that part alone ("Cher" -> `cher`), no dot.
 * - Nothing survives (empty names, emoji, scripts other than Latin such as Cyrillic, Greek, Arabic,
 *   Han): the fixed fallback `user`, then `user2`, `user3`, ... Transliterating other scripts is left
 *   out on purpose: it depends on the language (Russian and Ukrainian romanise `Г` differently) and a
 *   wrong guess is worse than a neutral name the person can change. A mixed name keeps its Latin part.
 * - Length: a base is cut to USERNAME_BASE_MAX_LENGTH (56) characters (and any separator left at the
 *   end removed), so any suffix up to 8 digits (99,999,999) still fits Rocket.Chat's 64 characters
 *   without touching the base. A longer suffix (never seen in practice) cuts the base further; the candidate
 *   is then still checked against what is taken like any other, so uniqueness does not depend on it.
 * - Comparison with existing usernames is case-insensitive: existing names are lower-cased, and
 *   every name handed out is lower case already.
 * - Reserved names are always taken: `all` and `here` (Rocket.Chat refuses them: they are mentions),
 *   `everyone` (a mass mention elsewhere, and defused in the bot's replies), Rocket.Chat's system
 *   names (its hidden Accounts_SystemBlockedUsernameList: `admin`, `administrator`, `system`, `user`)
 *   and its bot `rocket.cat`. So "All" gets `all2`, and a person whose names fold to nothing gets
 *   `user2`. The admin's own block list (Accounts_BlockedUsernameList) is server state: the shell
 *   passes it with the existing usernames (RC compares it case-insensitively, as here).
 */

/** Rocket.Chat's limit for a username, numeric suffix included. */
export const USERNAME_MAX_LENGTH = 64;
/** Longest base: leaves room for an 8-digit suffix within USERNAME_MAX_LENGTH. */
export const USERNAME_BASE_MAX_LENGTH = 56;
/** The base of a person whose names fold to nothing. */
export const USERNAME_FALLBACK = 'user';
/** Usernames never handed out: Rocket.Chat's mentions and system names (see the module comment). */
export const RESERVED_USERNAMES: readonly string[] = ['all', 'here', 'everyone', 'admin', 'administrator', 'system', 'user', 'rocket.cat'];

const RESERVED = new Set(RESERVED_USERNAMES);

function isReserved(name: string): boolean {
	return RESERVED.has(name);
}

/** Whether `name` is reserved, or on the server's own block list (`blocked`, lower case), case-insensitively. */
export function isReservedUsername(name: string, blocked: Iterable<string> = []): boolean {
	const lower = name.toLowerCase();
	if (RESERVED.has(lower)) return true;
	for (const b of blocked) if (b === lower) return true;
	return false;
}

/**
 * Latin letters that NFKD does not decompose, keyed by their lower-case form (the text is lower-cased
 * before the lookup, so `Æ`, `Ø`, `Ł`, `Đ`, `Þ`, `Œ`, `ẞ`, `Ə` ... are covered too).
 */
const LETTER_FOLDS: ReadonlyMap<string, string> = new Map([
	['ß', 'ss'],
	['æ', 'ae'],
	['œ', 'oe'],
	['ø', 'o'],
	['ł', 'l'],
	['đ', 'd'],
	['ð', 'd'],
	['þ', 'th'],
	['ı', 'i'],
	['ħ', 'h'],
	['ŧ', 't'],
	['ĸ', 'k'],
	['ŋ', 'ng'],
	['ƀ', 'b'],
	['ɓ', 'b'],
	['ƈ', 'c'],
	['ȼ', 'c'],
	['ɗ', 'd'],
	['ɖ', 'd'],
	['ə', 'e'],
	['ǝ', 'e'],
	['ɛ', 'e'],
	['ɇ', 'e'],
	['ƒ', 'f'],
	['ǥ', 'g'],
	['ɠ', 'g'],
	['ɨ', 'i'],
	['ɉ', 'j'],
	['ƙ', 'k'],
	['ƚ', 'l'],
	['ɲ', 'n'],
	['ɔ', 'o'],
	['ɵ', 'o'],
	['ɍ', 'r'],
	['ʉ', 'u'],
	['ʋ', 'v'],
	['ƴ', 'y'],
	['ɏ', 'y'],
	['ƶ', 'z'],
	['ȥ', 'z'],
	['ʒ', 'z'],
]);

function isAlnum(c: number): boolean {
	return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

function isSeparator(c: number): boolean {
	return c === 46 || c === 45 || c === 95; // . - _
}

/**
 * One name folded to `[a-z0-9._-]`: lower case, accents folded, other characters dropped, no separator
 * at either end and never two in a row. May be empty. "Zoë" -> `zoe`, "O'Brien" -> `obrien`.
 */
export function foldNamePart(name: string): string {
	const s = name.normalize('NFKD').toLowerCase();
	let out = '';
	let pending = ''; // first separator of the current run, written only if a letter or digit follows
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		let kept: string | undefined;
		if (isAlnum(c)) kept = s[i];
		else if (isSeparator(c)) {
			if (pending === '') pending = s[i];
			continue;
		} else if (c >= 0x80) kept = LETTER_FOLDS.get(s[i]);
		if (kept === undefined) continue; // dropped: space, apostrophe, combining mark, other script, emoji half
		if (pending !== '') {
			if (out !== '') out += pending;
			pending = '';
		}
		out += kept;
	}
	return out;
}

/** Cuts a folded name to `max` characters without leaving a separator at the end. */
function cut(folded: string, max: number): string {
	if (folded.length <= max) return folded;
	let end = max;
	while (end > 0 && isSeparator(folded.charCodeAt(end - 1))) end--;
	return folded.slice(0, end);
}

/**
 * A username base: text that passed through usernameBase or normalizeUsernameBase, so it is valid
 * (`[a-z0-9]` runs joined by single separators, 1 to USERNAME_BASE_MAX_LENGTH characters). The brand
 * lets the allocator trust it without checking each one again; only a cast can forge one.
 */
export type UsernameBase = string & { readonly __brand: 'UsernameBase' };

/**
 * The username base of a person: `first.last` folded, or the one part that folds to something, or
 * USERNAME_FALLBACK; at most USERNAME_BASE_MAX_LENGTH characters. "Zoë", "O'Brien" -> `zoe.obrien`.
 */
export function usernameBase(firstName: string | null | undefined, lastName: string | null | undefined): UsernameBase {
	const first = foldNamePart(firstName ?? '');
	const last = foldNamePart(lastName ?? '');
	const joined = first !== '' && last !== '' ? `${first}.${last}` : first + last;
	return (cut(joined, USERNAME_BASE_MAX_LENGTH) || USERNAME_FALLBACK) as UsernameBase;
}

/** Any text turned into a base by the same rules (a base from usernameBase comes back unchanged). */
export function normalizeUsernameBase(text: string): UsernameBase {
	return (cut(foldNamePart(text), USERNAME_BASE_MAX_LENGTH) || USERNAME_FALLBACK) as UsernameBase;
}

/** A valid username, length aside: letters and digits in runs joined by single separators. */
const USERNAME_SHAPE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * Whether `name` is something this module could hand out: 1 to `maxLength` characters of `[a-z0-9._-]`,
 * starting and ending with a letter or digit, no two separators in a row.
 */
export function isValidUsername(name: string, maxLength: number = USERNAME_MAX_LENGTH): boolean {
	return name.length <= maxLength && USERNAME_SHAPE.test(name); // cannot backtrack: separators and letters are disjoint
}

/**
 * The n-th candidate for a base (n >= 1): `base` itself, then `base2`, `base3`, ... Within
 * USERNAME_MAX_LENGTH: a suffix that does not fit beside the base shortens the base.
 */
export function usernameCandidate(base: UsernameBase, n: number): string {
	if (n <= 1) return base;
	const suffix = String(n);
	if (base.length + suffix.length <= USERNAME_MAX_LENGTH) return base + suffix;
	return cut(base, USERNAME_MAX_LENGTH - suffix.length) + suffix;
}

/** The candidates for a base in order, lazily (for a shell that has to ask asynchronously). */
export function* usernameCandidates(base: UsernameBase, limit: number = Number.POSITIVE_INFINITY): Generator<string, void, undefined> {
	for (let n = 1; n <= limit; n++) yield usernameCandidate(base, n);
}

export type UsernamePick =
	| { readonly ok: true; readonly username: string; readonly attempts: number }
	| { readonly ok: false; readonly error: 'exhausted'; readonly attempts: number };

/**
 * One person: the first candidate of `base` that is not reserved and that `isTaken` rejects.
 * `isTaken` receives lower-case names and must compare case-insensitively. Gives up after
 * `maxAttempts` candidates, so a predicate that says "taken" to everything cannot loop forever.
 */
export function pickUsername(base: UsernameBase, isTaken: (name: string) => boolean, maxAttempts = 1000): UsernamePick {
	let attempts = 0;
	for (let n = 1; n <= maxAttempts; n++) {
		attempts = n;
		const candidate = usernameCandidate(base, n);
		if (!isReserved(candidate) && !isTaken(candidate)) return { ok: true, username: candidate, attempts };
	}
	return { ok: false, error: 'exhausted', attempts };
}

/**
 * Hands out unique usernames to many people against a set of existing ones, in time linear in the
 * number of people plus existing names.
 *
 * Each person gets exactly what probing `base`, `base2`, `base3`, ... one by one would give (the
 * first free candidate), but a base that has collided remembers the next suffix to try. Nothing is
 * ever released, so all candidates before that suffix are still taken and need no second look. A
 * probe that finds a name taken moves that base past the name for good; a name can be passed over by
 * at most one base per trailing digit it has (it is `base + digits` for each split of those digits),
 * so the skips over all calls are bounded by about 8 x (existing + handed out). Deterministic: the
 * same calls in the same order give the same names.
 */
export class UsernameAllocator {
	/** Every taken name, lower-cased: reserved, existing and handed out. */
	private readonly taken = new Set<string>(RESERVED_USERNAMES);
	/** For each base that has collided: the next suffix to try (>= 2); candidates before it are taken. */
	private readonly nextSuffix = new Map<string, number>();
	private probeCount = 0;
	private allocatedCount = 0;

	/** `existing`: the usernames already on the server (and its blocked names), in any case. */
	constructor(existing: Iterable<string> = []) {
		for (const name of existing) this.taken.add(name.toLowerCase());
	}

	/** Whether `name` is taken (reserved, existing or handed out), case-insensitively. */
	isTaken(name: string): boolean {
		return this.taken.has(name.toLowerCase());
	}

	/**
	 * The work done so far: names handed out, and candidates looked up in the taken set (one per
	 * name plus one per collision, so allocated <= probes <= 2 x allocated + the names passed over).
	 */
	get stats(): { readonly allocated: number; readonly probes: number } {
		return { allocated: this.allocatedCount, probes: this.probeCount };
	}

	/** The next free username for `base`, which is then taken. */
	allocate(base: UsernameBase): string {
		this.allocatedCount++;
		this.probeCount++;
		if (!this.taken.has(base)) {
			this.taken.add(base);
			return base;
		}
		let n = this.nextSuffix.get(base) ?? 2;
		for (;;) {
			this.probeCount++;
			const candidate = usernameCandidate(base, n);
			n++;
			if (!this.taken.has(candidate)) {
				this.taken.add(candidate);
				this.nextSuffix.set(base, n);
				return candidate;
			}
		}
	}
}
