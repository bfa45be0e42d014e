/**
 * Static analysis of a trigger pattern (pure, no regex engine), used by the trigger matcher to skip patterns that
 * cannot match a message without running them, and by validation to refuse patterns that match the empty text.
 *
 * The pattern is parsed with RE2's Perl syntax (the syntax re2js accepts) into a small tree, only AFTER re2js accepted
 * it. Wherever the parser meets something it does not model exactly it gives up ({@link analyzePattern} returns null)
 * and the matcher then runs that pattern on every message: giving up is always safe, a wrong answer never is.
 *
 * All literals are case-folded the way the matcher reads the text: printable ASCII, lowercased. Under RE2's case
 * folding the only non-ASCII characters equivalent to ASCII ones are U+017F (long s, = s) and U+212A (Kelvin sign,
 * = k); the matcher maps those too (checked exhaustively by a test). Any other character in a pattern (non-ASCII,
 * control) is treated as "some unknown character".
 *
 * What is computed:
 * - `minLength`: the fewest characters a match can consume (0 means it can match the empty text).
 * - `clauses`: necessary conditions, an AND of ORs: every match contains, for each clause, one of its strings.
 *   Derived as in Russ Cox's trigram-index paper, with whole literal strings: a node's finite set of exact matches when
 *   small (`exact`), cross products across concatenation, unions across alternation, `+` keeps what its operand needs,
 *   `*` and `?` and `{0,n}` need nothing (`?` keeps an exact set plus the empty string).
 * - `shortcut`: for patterns that are exactly a small set of literal strings, optionally with `^`/`\A`/`\b`/`\B` before
 *   and `$`/`\z`/`\b`/`\B` after and no flags, the matcher decides the match from the literal hits alone, exactly.
 */

/** Largest exact set kept for a node, and longest string in it. */
const MAX_EXACT = 16;
const MAX_LITERAL = 24;
/** Largest OR clause kept (alternation unions). */
const MAX_CLAUSE = 32;
/** Clauses handed to the matcher (the best ones). */
const MAX_CLAUSES = 3;

export type Before = 'none' | 'start' | 'word' | 'notWord';
export type After = 'none' | 'end' | 'word' | 'notWord';

export interface Shortcut {
	/** The pattern matches exactly where one of these (lowercase) strings occurs, case-insensitively... */
	readonly literals: readonly string[];
	/** ...with this condition at its start (`start`: at the beginning of the text; `word`: at a `\b`)... */
	readonly before: Before;
	/** ...and this one at its end. */
	readonly after: After;
}

export interface PatternAnalysis {
	readonly minLength: number;
	/** Up to 3 necessary OR-clauses of lowercase strings, best (most selective) first; empty when nothing is known. */
	readonly clauses: readonly (readonly string[])[];
	readonly shortcut: Shortcut | null;
}

type Ast =
	/** One character out of `members` (lowercase printable ASCII); null members: some other or unknown character. */
	| { readonly kind: 'char'; readonly members: readonly string[] | null }
	| { readonly kind: 'assert'; readonly what: 'start' | 'end' | 'word' | 'notWord' }
	/** `(?i)`-style flags: zero width, but they change the meaning of what follows. */
	| { readonly kind: 'flags' }
	| { readonly kind: 'concat'; readonly items: readonly Ast[] }
	| { readonly kind: 'alt'; readonly items: readonly Ast[] }
	| { readonly kind: 'group'; readonly sub: Ast; readonly flags: boolean }
	| { readonly kind: 'repeat'; readonly sub: Ast; readonly min: number; readonly max: number };

class GiveUp extends Error {}

const UNKNOWN: Ast = { kind: 'char', members: null };
const DIGITS: readonly string[] = '0123456789'.split('');

function isPrintableAscii(c: number): boolean {
	return c >= 0x20 && c <= 0x7e;
}

function lowerAscii(c: number): string {
	return String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 32 : c);
}

function isAlnum(c: number): boolean {
	return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function charNode(c: number): Ast {
	return isPrintableAscii(c) ? { kind: 'char', members: [lowerAscii(c)] } : UNKNOWN;
}

/** RE2's repeat syntax: decimal counts without leading zeros (`a{01}` is literal text, as in RE2). */
const REPEAT = /^\{(0|[1-9]\d*)(?:(,)(0|[1-9]\d*)?)?\}/;

class Parser {
	private i = 0;
	flags = false;

	constructor(private readonly s: string) {}

	parse(): Ast {
		const ast = this.alt();
		if (this.i !== this.s.length) throw new GiveUp();
		return ast;
	}

	private alt(): Ast {
		const items = [this.concat()];
		while (this.s[this.i] === '|') {
			this.i++;
			items.push(this.concat());
		}
		return items.length === 1 ? items[0] : { kind: 'alt', items };
	}

	private concat(): Ast {
		const items: Ast[] = [];
		for (;;) {
			const ch = this.s[this.i];
			if (ch === undefined || ch === '|' || ch === ')') break;
			const quant = this.quantifier();
			if (quant) {
				const last = items.pop();
				if (last === undefined || last.kind === 'repeat') throw new GiveUp();
				items.push({ kind: 'repeat', sub: last, min: quant.min, max: quant.max });
				if (this.s[this.i] === '?') this.i++;
				continue;
			}
			if (ch === '\\' && this.s[this.i + 1] === 'Q') {
				this.i += 2;
				let end = this.s.indexOf('\\E', this.i);
				if (end === -1) end = this.s.length;
				for (const c of this.s.slice(this.i, end)) items.push(charNode(c.length === 1 ? c.charCodeAt(0) : 0x10000));
				this.i = Math.min(this.s.length, end + 2);
				continue;
			}
			items.push(this.atom());
		}
		return items.length === 1 ? items[0] : { kind: 'concat', items };
	}

	/** A quantifier at the cursor (consumed), or null. `{` that is not a valid repeat is a literal, as in RE2. */
	private quantifier(): { min: number; max: number } | null {
		const ch = this.s[this.i];
		if (ch === '*') return (this.i++, { min: 0, max: -1 });
		if (ch === '+') return (this.i++, { min: 1, max: -1 });
		if (ch === '?') return (this.i++, { min: 0, max: 1 });
		if (ch === '{') {
			const m = REPEAT.exec(this.s.slice(this.i, this.i + 16));
			if (!m) return null;
			this.i += m[0].length;
			const min = Number(m[1]);
			const max = m[2] === undefined ? min : m[3] === undefined ? -1 : Number(m[3]);
			return { min, max };
		}
		return null;
	}

	private atom(): Ast {
		const s = this.s;
		const c = s.charCodeAt(this.i);
		switch (s[this.i]) {
			case '(':
				return this.group();
			case '[':
				return this.charClass();
			case '.':
				this.i++;
				return UNKNOWN;
			case '^':
				this.i++;
				return { kind: 'assert', what: 'start' };
			case '$':
				this.i++;
				return { kind: 'assert', what: 'end' };
			case '\\':
				return this.escape();
			default:
				if (c >= 0xd800 && c <= 0xdbff) {
					this.i += 2;
					return UNKNOWN;
				}
				this.i++;
				return charNode(c);
		}
	}

	private group(): Ast {
		const s = this.s;
		this.i++;
		let flags = false;
		if (s[this.i] === '?') {
			if (s.startsWith('?P<', this.i) || s.startsWith('?<', this.i)) {
				const close = s.indexOf('>', this.i);
				if (close === -1) throw new GiveUp();
				this.i = close + 1;
			} else {
				const m = /^\?([imsU-]*)([:)])/.exec(s.slice(this.i, this.i + 12));
				if (!m) throw new GiveUp();
				this.i += m[0].length;
				if (m[1] !== '') {
					flags = true;
					this.flags = true;
				}
				if (m[2] === ')') return { kind: 'flags' };
			}
		}
		const sub = this.alt();
		if (s[this.i] !== ')') throw new GiveUp();
		this.i++;
		return { kind: 'group', sub, flags };
	}

	private escape(): Ast {
		const s = this.s;
		const e = s.charCodeAt(this.i + 1);
		const ch = s[this.i + 1];
		if (ch === undefined) throw new GiveUp();
		this.i += 2;
		if (e < 0x80 && !isAlnum(e)) return charNode(e);
		switch (ch) {
			case 'b':
				return { kind: 'assert', what: 'word' };
			case 'B':
				return { kind: 'assert', what: 'notWord' };
			case 'A':
				return { kind: 'assert', what: 'start' };
			case 'z':
				return { kind: 'assert', what: 'end' };
			case 'd':
				return { kind: 'char', members: DIGITS };
			case 'D':
			case 's':
			case 'S':
			case 'w':
			case 'W':
			case 'a':
			case 'f':
			case 't':
			case 'n':
			case 'r':
			case 'v':
				return UNKNOWN;
			case 'p':
			case 'P':
				this.skipBraced();
				return UNKNOWN;
			default: {
				const code = this.numericEscape(e);
				return code > 0xffff ? UNKNOWN : charNode(code);
			}
		}
	}

	/**
	 * The code point of `\xHH`, `\x{H...}` or an octal escape (`\0`, `\0nn`, `\1n`, `\12n`; RE2 refuses a lone `\1`-`\7`,
	 * a backreference, before we get here), the cursor being just after the escape letter or first digit `e`.
	 */
	private numericEscape(e: number): number {
		const s = this.s;
		if (e === 0x78) {
			if (s[this.i] === '{') {
				const close = s.indexOf('}', this.i);
				const hex = close === -1 ? '' : s.slice(this.i + 1, close);
				if (!/^[0-9A-Fa-f]{1,8}$/.test(hex)) throw new GiveUp();
				this.i = close + 1;
				return parseInt(hex, 16);
			}
			const hex = s.slice(this.i, this.i + 2);
			if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new GiveUp();
			this.i += 2;
			return parseInt(hex, 16);
		}
		if (e >= 0x30 && e <= 0x37) {
			let code = e - 0x30;
			for (let k = 0; k < 2 && /[0-7]/.test(s[this.i] ?? ''); k++) code = code * 8 + (s.charCodeAt(this.i++) - 0x30);
			return code;
		}
		throw new GiveUp();
	}

	/** After `\p`, `\P` or `\x`: a `{...}` group, or one character. */
	private skipBraced(): void {
		if (this.s[this.i] === '{') {
			const close = this.s.indexOf('}', this.i);
			if (close === -1) throw new GiveUp();
			this.i = close + 1;
		} else {
			this.i++;
		}
	}

	/** `[...]`: its members when it is a small set of printable ASCII characters, else an unknown character. */
	private charClass(): Ast {
		const s = this.s;
		this.i++;
		let known = true;
		if (s[this.i] === '^') {
			known = false;
			this.i++;
		}
		const members = new Set<string>();
		let first = true;
		for (;;) {
			if (this.i >= s.length) throw new GiveUp();
			const ch = s[this.i];
			if (ch === ']' && !first) {
				this.i++;
				break;
			}
			first = false;
			if (ch === '[' && s[this.i + 1] === ':' && this.i + 2 < s.length) {
				// POSIX class `[:alpha:]`, as RE2 reads it: up to the next `:]` (then a valid name), else a literal `[`.
				const close = s.indexOf(':]', this.i + 2);
				if (close !== -1) {
					this.i = close + 2;
					known = false;
					continue;
				}
			}
			const lo = this.classChar();
			if (lo === null) {
				known = false;
				continue;
			}
			if (lo === -1) {
				// `\d` is never a range end: a following `-` is a literal member (next round).
				DIGITS.forEach((d) => members.add(d));
				continue;
			}
			if (s[this.i] === '-' && s[this.i + 1] !== ']' && this.i + 1 < s.length) {
				this.i++;
				const hi = this.classChar();
				if (hi === null || hi < lo) throw new GiveUp();
				if (hi - lo > MAX_EXACT) {
					known = false;
					continue;
				}
				for (let c = lo; c <= hi; c++) {
					if (isPrintableAscii(c)) members.add(lowerAscii(c));
					else known = false;
				}
				continue;
			}
			if (isPrintableAscii(lo)) members.add(lowerAscii(lo));
			else known = false;
		}
		if (!known || members.size === 0 || members.size > MAX_EXACT) return UNKNOWN;
		return { kind: 'char', members: [...members].sort() };
	}

	/**
	 * One class item: its code point; -1 for `\d`; null for another class escape (`\w`, `\pL`...), which is then not a
	 * range end (RE2 reads a following `-` as a literal, which we note as a member we do not know: safe).
	 */
	private classChar(): number | null {
		const s = this.s;
		const c = s.codePointAt(this.i) as number;
		if (c !== 0x5c) {
			this.i += c > 0xffff ? 2 : 1;
			return c;
		}
		const e = s.charCodeAt(this.i + 1);
		const ch = s[this.i + 1];
		if (ch === undefined) throw new GiveUp();
		this.i += 2;
		if (e < 0x80 && !isAlnum(e)) return e;
		switch (ch) {
			case 'd':
				return -1;
			case 'a':
				return 0x07;
			case 'f':
				return 0x0c;
			case 't':
				return 0x09;
			case 'n':
				return 0x0a;
			case 'r':
				return 0x0d;
			case 'v':
				return 0x0b;
			case 'D':
			case 's':
			case 'S':
			case 'w':
			case 'W':
				return null;
			case 'p':
			case 'P':
				this.skipBraced();
				return null;
			default:
				return this.numericEscape(e);
		}
	}
}

interface Info {
	/** Every string the node can match (lowercase), when that set is small and known exactly; else null. */
	readonly exact: readonly string[] | null;
	/** Necessary clauses (AND of ORs). */
	readonly clauses: readonly (readonly string[])[];
	readonly minLength: number;
}

function cross(a: readonly string[], b: readonly string[]): string[] | null {
	if (a.length * b.length > MAX_EXACT) return null;
	const out = new Set<string>();
	for (const x of a) {
		for (const y of b) {
			if (x.length + y.length > MAX_LITERAL) return null;
			out.add(x + y);
		}
	}
	return [...out];
}

/** A usable clause from an exact set: null if it holds the empty string (then it requires nothing). */
function clauseOf(exact: readonly string[] | null): string[] | null {
	if (exact === null || exact.length === 0 || exact.some((x) => x === '')) return null;
	return [...new Set(exact)];
}

/** Selectivity: a clause whose shortest string is longer is rarer; among equals, fewer strings is better. */
function score(clause: readonly string[]): number {
	let min = Infinity;
	for (const x of clause) min = Math.min(min, x.length);
	return Math.min(min, 8) * 1000 - clause.length;
}

function allClauses(info: Info): (readonly string[])[] {
	const own = clauseOf(info.exact);
	return own ? [...info.clauses, own] : [...info.clauses];
}

function best(clauses: readonly (readonly string[])[]): readonly string[] | null {
	let top: readonly string[] | null = null;
	for (const c of clauses) if (top === null || score(c) > score(top)) top = c;
	return top;
}

function infoOf(ast: Ast): Info {
	switch (ast.kind) {
		case 'char':
			return { exact: ast.members, clauses: [], minLength: 1 };
		case 'assert':
		case 'flags':
			return { exact: [''], clauses: [], minLength: 0 };
		case 'group':
			return infoOf(ast.sub);
		case 'concat': {
			let cur: string[] = [''];
			let whole = true;
			const clauses: (readonly string[])[] = [];
			let minLength = 0;
			const flush = (): void => {
				const c = clauseOf(cur);
				if (c) clauses.push(c);
			};
			for (const item of ast.items) {
				const info = infoOf(item);
				clauses.push(...info.clauses);
				minLength += info.minLength;
				if (info.exact === null) {
					flush();
					cur = [''];
					whole = false;
					continue;
				}
				const product = cross(cur, info.exact);
				if (product) {
					cur = product;
				} else {
					flush();
					cur = [...info.exact];
					whole = false;
				}
			}
			if (whole) return { exact: cur, clauses, minLength };
			flush();
			return { exact: null, clauses, minLength };
		}
		case 'alt': {
			const infos = ast.items.map(infoOf);
			const minLength = Math.min(...infos.map((x) => x.minLength));
			if (infos.every((x) => x.exact !== null)) {
				const union = [...new Set(infos.flatMap((x) => x.exact as readonly string[]))];
				if (union.length <= MAX_EXACT) return { exact: union, clauses: [], minLength };
			}
			const union = new Set<string>();
			for (const info of infos) {
				const c = best(allClauses(info));
				if (c === null) return { exact: null, clauses: [], minLength };
				c.forEach((x) => union.add(x));
			}
			return { exact: null, clauses: union.size <= MAX_CLAUSE ? [[...union]] : [], minLength };
		}
		case 'repeat': {
			const sub = infoOf(ast.sub);
			const minLength = ast.min * sub.minLength;
			if (ast.min === 0) {
				const exact = ast.max === 1 && sub.exact !== null ? [...new Set([...sub.exact, ''])] : null;
				return { exact, clauses: [], minLength };
			}
			let exact: string[] | null = null;
			if (ast.min === ast.max && sub.exact !== null && ast.min <= MAX_LITERAL) {
				exact = [''];
				for (let k = 0; k < ast.min && exact !== null; k++) exact = cross(exact, sub.exact);
			}
			return { exact, clauses: allClauses(sub), minLength };
		}
	}
}

/** True when the subtree has no assertion, flag or approximated node, so its exact set is its exact language. */
function isPlainLiteral(ast: Ast): boolean {
	switch (ast.kind) {
		case 'char':
			return ast.members !== null;
		case 'assert':
		case 'flags':
			return false;
		case 'group':
			return !ast.flags && isPlainLiteral(ast.sub);
		case 'concat':
		case 'alt':
			return ast.items.every(isPlainLiteral);
		case 'repeat':
			return isPlainLiteral(ast.sub) && ((ast.min === 0 && ast.max === 1) || ast.min === ast.max);
	}
}

function shortcutOf(ast: Ast): Shortcut | null {
	const items = ast.kind === 'concat' ? [...ast.items] : [ast];
	let before: Before = 'none';
	let after: After = 'none';
	const head = items[0];
	if (head?.kind === 'assert' && head.what !== 'end') {
		before = head.what;
		items.shift();
	}
	const tail = items[items.length - 1];
	if (tail?.kind === 'assert' && tail.what !== 'start') {
		after = tail.what;
		items.pop();
	}
	if (items.length === 0 || !items.every(isPlainLiteral)) return null;
	const exact = infoOf(items.length === 1 ? items[0] : { kind: 'concat', items }).exact;
	if (exact === null || exact.length === 0 || exact.some((x) => x === '' || x.length > MAX_LITERAL)) return null;
	return { literals: [...exact], before, after };
}

/**
 * Analyses a pattern that re2js accepted. Returns null when the pattern uses something the analysis does not model
 * (then it has no prefilter and no minimum length known).
 */
export function analyzePattern(pattern: string): PatternAnalysis | null {
	let ast: Ast;
	const parser = new Parser(pattern);
	try {
		ast = parser.parse();
	} catch (err) {
		if (err instanceof GiveUp) return null;
		throw err;
	}
	const info = infoOf(ast);
	const candidates = allClauses(info).filter((c) => c.length > 0 && c.length <= MAX_CLAUSE && c.every((x) => x.length > 0));
	const seen = new Set<string>();
	const clauses: string[][] = [];
	for (const c of candidates.sort((a, b) => score(b) - score(a))) {
		const clause = [...new Set(c.map((x) => x.slice(0, MAX_LITERAL)))].sort();
		const key = clause.join('\u0000');
		if (seen.has(key)) continue;
		seen.add(key);
		clauses.push(clause);
		if (clauses.length === MAX_CLAUSES) break;
	}
	const shortcut = parser.flags ? null : shortcutOf(ast);
	return { minLength: info.minLength, clauses, shortcut };
}
