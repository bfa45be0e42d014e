/**
 * Chat points parser (pure): finds `@user ++` / `@user --` awards in a message text.
 *
 * Grammar, decided and documented here so the shell and the tests agree:
 *
 * - A mention is `@` followed by a username of Rocket.Chat characters `[A-Za-z0-9._-]+`. The `@` must start the text or
 *   follow a character that cannot be part of a username (so `me@jane++` in an e-mail-like word is not a mention).
 * - The operator follows the username directly or after horizontal blanks (space, tab, no-break and thin spaces, never a
 *   line break): `++` gives +1; `--`, an em dash `—` or an en dash `–` give -1 (phones turn `--` into a dash).
 * - Exactly two signs: `@jane +++`, `@jane ---`, `@jane ++-`, `@jane +-` and `@jane +1` are not points (ambiguous or
 *   emphasis, not an award). `@jane++x` is not points either: the operator must end the word.
 * - A minus written as `--` or a dash is only read where it cannot be ordinary punctuation: it must be followed (after
 *   blanks) by the end of the text or line, sentence punctuation, another mention, an emoji, or a reason (`for ...`). So
 *   `thanks @jane — you rock` gives nothing while `@jane — for breaking the build` and `@jane—` give -1.
 * - A username written with a trailing dot (`thanks @jane.`) ends the mention: no operator can follow it. A username that
 *   ends with `--` attached (`@jane--`) is the user `jane` with a minus; `@jane-doe--` is `jane-doe` with a minus.
 * - Each mention needs its own operator: in `@jane @bob ++` only bob gets a point. The prefix form `++@jane` and bare
 *   names (`jane++`) are not points.
 * - Nothing inside a code span (`` `...` ``, any run length, CommonMark rule: closed by a run of the same length) or a
 *   code block (```` ```...``` ````, unclosed fences run to the end of the text) counts, neither the mention nor the
 *   operator: `C++`, `` `i++` ``, `` `@jane++` `` give nothing.
 * - An optional reason follows the operator: `for ...` or `because ...` (any case, optional colon), up to the end of the
 *   clause: a line break, `.` `!` `?` `;` `,` followed by a blank or the end, or the next award in the same message. It
 *   is kept as written (code spans included), blanks collapsed, cut to {@link MAX_REASON_LENGTH} characters.
 * - At most {@link MAX_PARSED_AWARDS} awards are returned per message (the policy applies the configured limit).
 *
 * Whether the user exists, self-points, duplicates, limits, cool-downs and the app's own messages are decided by the
 * shell and the award policy (policy.ts), not here. The parser is total: it never throws, on any string.
 *
 * Cost: {@link mayContainPoints} is a pre-check (an `indexOf('@')` and, per `@`, a few character tests) that rejects
 * messages without points before any allocation; {@link parsePoints} runs it first.
 */

/** One award found in a message, in the order of the text. */
export interface ParsedAward {
	/** The username as written after `@` (not resolved, case kept). */
	readonly username: string;
	readonly delta: 1 | -1;
	/** The reason after `for` / `because`, if any. */
	readonly reason?: string;
}

export const MAX_PARSED_AWARDS = 50;
export const MAX_REASON_LENGTH = 200;

const NONE: readonly ParsedAward[] = Object.freeze([]);

const AT = 0x40;
const PLUS = 0x2b;
const HYPHEN = 0x2d;
const DOT = 0x2e;
const EN_DASH = 0x2013;
const EM_DASH = 0x2014;
const BACKTICK = 0x60;
/** Replaces code in the masked copy of the text: not a username character, not a blank, not an operator. */
const MASK = '\u0000';

/** 1 for the characters of a Rocket.Chat username: `[A-Za-z0-9._-]`. */
const USER_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
	const ch = String.fromCharCode(c);
	USER_CHAR[c] = /[A-Za-z0-9._-]/.test(ch) ? 1 : 0;
}

function isUserChar(c: number): boolean {
	return c < 128 && USER_CHAR[c] === 1;
}

/** Blanks allowed between a username and its operator (and before a reason): never a line break. */
function isBlank(c: number): boolean {
	return c === 0x20 || c === 0x09 || c === 0xa0 || c === 0x2009 || c === 0x202f;
}

function isDash(c: number): boolean {
	return c === EN_DASH || c === EM_DASH;
}

/**
 * Fast pre-check, a necessary condition for {@link parsePoints} to find anything: some `@` followed by username
 * characters and then (after blanks) `++`, `--` or a dash, or ending in an attached `--`. Ignores code and word
 * boundaries, so it may say yes for text without points, never no for text with points.
 */
export function mayContainPoints(text: string): boolean {
	if (typeof text !== 'string') return false;
	let at = text.indexOf('@');
	const n = text.length;
	while (at !== -1) {
		let j = at + 1;
		while (j < n && isUserChar(text.charCodeAt(j))) j++;
		let e = j;
		while (e > at + 1 && text.charCodeAt(e - 1) === DOT) e--;
		if (e - at > 3 && text.charCodeAt(e - 1) === HYPHEN && text.charCodeAt(e - 2) === HYPHEN) return true;
		while (j < n && isBlank(text.charCodeAt(j))) j++;
		if (j < n) {
			const c = text.charCodeAt(j);
			if (isDash(c)) return true;
			if ((c === PLUS || c === HYPHEN) && text.charCodeAt(j + 1) === c) return true;
		}
		at = text.indexOf('@', j > at + 1 ? j : at + 1);
	}
	return false;
}

interface Found {
	readonly start: number;
	readonly username: string;
	readonly delta: 1 | -1;
	/** Index just after the operator. */
	readonly end: number;
}

/** Finds the awards in a message. Never throws; returns an empty (frozen) list for anything without points. */
export function parsePoints(text: string): readonly ParsedAward[] {
	if (!mayContainPoints(text)) return NONE;
	const masked = maskCode(text);
	const found: Found[] = [];
	const n = masked.length;
	let at = masked.indexOf('@');
	while (at !== -1 && found.length < MAX_PARSED_AWARDS) {
		const award = readAward(masked, at);
		if (award) found.push(award);
		const next = award ? award.end : at + 1;
		at = next < n ? masked.indexOf('@', next) : -1;
	}
	if (found.length === 0) return NONE;
	return found.map((f, i) => {
		const limit = i + 1 < found.length ? found[i + 1].start : n;
		const reason = readReason(text, masked, f.end, limit);
		return reason === undefined ? { username: f.username, delta: f.delta } : { username: f.username, delta: f.delta, reason };
	});
}

/** Reads the award starting at the `@` at `at` of the masked text, or null when there is none. */
function readAward(s: string, at: number): Found | null {
	if (at > 0) {
		const prev = s.charCodeAt(at - 1);
		if (isUserChar(prev) || prev === AT) return null;
	}
	const n = s.length;
	let j = at + 1;
	while (j < n && isUserChar(s.charCodeAt(j))) j++;
	// Trailing dots are punctuation; an attached `--` sits before them (`@jane--.`).
	let core = j;
	while (core > at + 1 && s.charCodeAt(core - 1) === DOT) core--;
	let hyphens = 0;
	while (hyphens < core - at - 1 && s.charCodeAt(core - 1 - hyphens) === HYPHEN) hyphens++;
	if (hyphens > 2) return null;
	if (hyphens === 2) {
		const nameEnd = core - 2;
		if (nameEnd <= at + 1 || s.charCodeAt(nameEnd - 1) === DOT) return null;
		return minusEndsHere(s, core) ? { start: at, username: s.slice(at + 1, nameEnd), delta: -1, end: core } : null;
	}
	// A username followed by a dot ends the sentence, and with it the mention.
	if (core !== j || core <= at + 1) return null;
	const username = s.slice(at + 1, j);
	let k = j;
	while (k < n && isBlank(s.charCodeAt(k))) k++;
	if (k >= n) return null;
	const c = s.charCodeAt(k);
	if (c === PLUS) {
		if (s.charCodeAt(k + 1) !== PLUS) return null;
		if (k + 2 < n) {
			const after = s.charCodeAt(k + 2);
			if (after === PLUS || after === HYPHEN || isDash(after) || isWordAt(s, k + 2)) return null;
		}
		return { start: at, username, delta: 1, end: k + 2 };
	}
	if (c === HYPHEN) {
		if (s.charCodeAt(k + 1) !== HYPHEN) return null;
		return minusEndsHere(s, k + 2) ? { start: at, username, delta: -1, end: k + 2 } : null;
	}
	if (isDash(c)) return minusEndsHere(s, k + 1) ? { start: at, username, delta: -1, end: k + 1 } : null;
	return null;
}

/** True when a minus operator ending at `end` is an award and not punctuation (see the module comment). */
function minusEndsHere(s: string, end: number): boolean {
	const n = s.length;
	if (end >= n) return true;
	const next = s.charCodeAt(end);
	if (next === HYPHEN || next === PLUS || isDash(next) || isWordAt(s, end)) return false;
	let k = end;
	while (k < n && isBlank(s.charCodeAt(k))) k++;
	if (k >= n) return true;
	const c = s.charCodeAt(k);
	if (c === 0x0a || c === 0x0d || c === AT) return true;
	if (c === 0x2e || c === 0x2c || c === 0x21 || c === 0x3f || c === 0x3b || c === 0x3a || c === 0x29) return true;
	return isPictographAt(s, k) || reasonKeywordAt(s, k) > 0;
}

// Built from a string: the package is ES2017 (scripts/package.mjs), and esbuild leaves a `\p{...}` inside a
// character class of a regex literal as it is, which ES2017 parsers (Apps-Engine 1.53) reject.
const WORD = new RegExp('^[\\p{L}\\p{N}\\p{M}_]', 'u');
const PICTOGRAPH = /^\p{Extended_Pictographic}/u;

/** Letters, digits and marks of any script, `_`, and masked code: what continues a word or a sentence. */
function isWordAt(s: string, k: number): boolean {
	const c = s.charCodeAt(k);
	if (c < 128) return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0;
	return WORD.test(s.slice(k, k + 2));
}

/** An emoji or other pictograph at `k` (a reaction such as `@jane -- 😞` still reads as a minus). */
function isPictographAt(s: string, k: number): boolean {
	const c = s.charCodeAt(k);
	return c >= 0x2000 && PICTOGRAPH.test(s.slice(k, k + 2));
}

const KEYWORDS = ['because', 'for'];

/** Length of `for` / `because` (with an optional colon) at `k` when followed by a blank, else 0. */
function reasonKeywordAt(s: string, k: number): number {
	for (const word of KEYWORDS) {
		const end = k + word.length;
		if (end > s.length || s.slice(k, end).toLowerCase() !== word) continue;
		let e = end;
		if (s.charCodeAt(e) === 0x3a) e++;
		if (e < s.length && isBlank(s.charCodeAt(e))) return e - k;
	}
	return 0;
}

/** The reason after the operator ending at `from`, read up to the end of the clause and never past `limit`. */
function readReason(text: string, masked: string, from: number, limit: number): string | undefined {
	let k = from;
	while (k < limit && isBlank(masked.charCodeAt(k))) k++;
	const keyword = reasonKeywordAt(masked, k);
	if (keyword === 0) return undefined;
	const start = k + keyword;
	let end = start;
	while (end < limit) {
		const c = masked.charCodeAt(end);
		if (c === 0x0a || c === 0x0d) break;
		if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x3b || c === 0x2c) {
			const after = end + 1 < masked.length ? masked.charCodeAt(end + 1) : -1;
			if (after === -1 || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d || after === 0xa0) break;
		}
		end++;
	}
	let reason = text.slice(start, end).replace(/\s+/g, ' ').trim();
	if (reason.length > MAX_REASON_LENGTH) reason = reason.slice(0, MAX_REASON_LENGTH - 1).trimEnd() + '…';
	return reason.length > 0 ? reason : undefined;
}

/**
 * A copy of the text, same length, with every code span and code block (backticks included) replaced by NUL characters,
 * which are neither username characters, blanks nor operators, so nothing inside code can form or complete an award.
 * Linear: runs of backticks are listed once, and each opener finds its closer through a per-length cursor.
 */
export function maskCode(text: string): string {
	const runs: number[] = [];
	const lens: number[] = [];
	const n = text.length;
	let i = text.indexOf('`');
	while (i !== -1) {
		let j = i;
		while (j < n && text.charCodeAt(j) === BACKTICK) j++;
		runs.push(i);
		lens.push(j - i);
		i = j < n ? text.indexOf('`', j) : -1;
	}
	if (runs.length === 0) return text;
	const byLen = new Map<number, number[]>();
	lens.forEach((len, r) => {
		const list = byLen.get(len);
		if (list) list.push(r);
		else byLen.set(len, [r]);
	});
	const cursor = new Map<number, number>();
	const parts: string[] = [];
	let copied = 0;
	let r = 0;
	while (r < runs.length) {
		const len = lens[r];
		const list = byLen.get(len) as number[];
		let c = cursor.get(len) ?? 0;
		while (c < list.length && list[c] <= r) c++;
		cursor.set(len, c);
		let closeEnd: number;
		let nextRun: number;
		if (c < list.length) {
			const close = list[c];
			closeEnd = runs[close] + len;
			nextRun = close + 1;
		} else if (len >= 3) {
			closeEnd = n;
			nextRun = runs.length;
		} else {
			r++;
			continue;
		}
		parts.push(text.slice(copied, runs[r]), MASK.repeat(closeEnd - runs[r]));
		copied = closeEnd;
		r = nextRun;
	}
	parts.push(text.slice(copied));
	return parts.join('');
}
