/**
 * The compiled trigger set: built once per change of the set by {@link compileTriggerSet}, then asked per message.
 *
 * Semantics: `match(text)` returns exactly the enabled, valid triggers whose pattern (re2js, case-insensitive, see
 * triggers.ts) matches `text`, in set order — the same answer as testing each pattern in turn (a property test checks
 * this on random patterns and texts). `first(text)` is the first of them.
 *
 * How it is fast (1,000 triggers: one pass over the message plus a few regex runs, instead of 1,000 regex runs):
 * 1. Each pattern's analysis (regexAnalysis.ts) gives up to 3 necessary clauses (the match contains one string of each)
 *    or a shortcut (the pattern is a small set of literal strings, maybe with `^`/`$`/`\b` around it).
 * 2. All those strings go into one Aho-Corasick automaton over case-folded ASCII (a dense table over the characters the
 *    strings use). One pass over the message reports every occurrence.
 * 3. A shortcut pattern is decided at the occurrence (boundaries checked on the original text, as RE2 defines them:
 *    ASCII word characters); a clause pattern whose clauses all occurred is a candidate and runs its re2js regex;
 *    patterns without clauses (rare: `^\W+$`) run on every message.
 * The matcher keeps scratch arrays and is not re-entrant (JavaScript runs one message at a time).
 *
 * Cost cap: the regex runs the prefilter could not rule out (patterns without clauses, and clause patterns whose clauses
 * all occur, which on a long message is most of them) cost up to (program size x message length) each. One message may
 * spend at most `maxWork` such units (default {@link MAX_REGEX_WORK}); the runs are made in set order and those that would
 * go beyond the budget are left out for that message (`lastRun.skipped` counts them, the shell logs it). Literal shortcuts
 * cost nothing and are never left out. So a 5 kB message against 1,000 patterns the prefilter cannot narrow costs a
 * bounded amount of work instead of 1,000 full regex runs over 5 kB.
 */
import type { RE2JS } from 're2js';

import type { After, Before } from './regexAnalysis';
import { inspectTrigger, MAX_TRIGGERS, Trigger, TriggerError } from './triggers';

export interface SkippedTrigger {
	readonly id: string;
	readonly errors: readonly TriggerError[];
}

export interface MatcherStats {
	/** Triggers in the matcher (enabled and valid). */
	readonly triggers: number;
	/** Decided from the automaton alone (literal shortcut). */
	readonly shortcut: number;
	/** Run only when their clauses occur. */
	readonly prefiltered: number;
	/** Run on every message. */
	readonly unfiltered: number;
	readonly literals: number;
	readonly states: number;
}

/** The regex work of the last `match` or `first` call. */
export interface MatchWork {
	/** Regex runs made. */
	readonly evaluated: number;
	/** Regex runs left out because they would have gone beyond the work budget. */
	readonly skipped: number;
	/** Units spent: program size x (message length + 1), summed over the runs made. */
	readonly units: number;
}

/**
 * Work budget of one message, in units of (program instructions x message characters): 1,000 patterns of 10 instructions
 * each on a 500-character message. The benchmark (bench/chatbot.bench.ts) measures what it costs in time.
 */
export const MAX_REGEX_WORK = 5_000_000;

export interface MatcherOptions {
	/** Work budget of one message (default MAX_REGEX_WORK). */
	readonly maxWork?: number;
}

export interface TriggerMatcher {
	/** Enabled triggers that are invalid (or beyond MAX_TRIGGERS) and were left out, with why. */
	readonly skipped: readonly SkippedTrigger[];
	readonly stats: MatcherStats;
	/** The regex work of the last call (the cost cap at work). */
	readonly lastRun: MatchWork;
	/** The matching triggers, in set order. */
	match(text: string): readonly Trigger[];
	/** The first matching trigger in set order, if any. */
	first(text: string): Trigger | undefined;
}

const BEFORE: Record<Before, number> = { none: 0, start: 1, word: 2, notWord: 3 };
const AFTER: Record<After, number> = { none: 0, end: 1, word: 2, notWord: 3 };
/** Table budget (entries) of the automaton; beyond it, the patterns with most literal text lose their prefilter. */
const MAX_TABLE = 1 << 22;
const NONE: readonly Trigger[] = Object.freeze([]);

interface Entry {
	readonly trigger: Trigger;
	readonly regex: RE2JS;
	/** Program size of the regex: its cost per character. */
	readonly cost: number;
	/** 0: regex on every message; 1: clauses then regex; 2: shortcut. */
	kind: 0 | 1 | 2;
	readonly clauses: readonly (readonly string[])[];
	readonly literals: readonly string[];
	readonly before: number;
	readonly after: number;
}

/** Compiles the enabled triggers of a set. Never throws: invalid triggers are left out and listed in `skipped`. */
export function compileTriggerSet(triggers: readonly Trigger[], options: MatcherOptions = {}): TriggerMatcher {
	const entries: Entry[] = [];
	const skipped: SkippedTrigger[] = [];
	for (const trigger of triggers) {
		if (!trigger || trigger.enabled !== true) continue;
		if (entries.length >= MAX_TRIGGERS) {
			skipped.push({
				id: trigger.id,
				errors: [
					{
						code: 'too-many-triggers',
						message: `Only the first ${MAX_TRIGGERS} enabled triggers are used.`,
						triggerId: trigger.id,
					},
				],
			});
			continue;
		}
		const { errors, pattern: check } = inspectTrigger(trigger);
		if (errors.length > 0 || !check.ok) {
			skipped.push({ id: trigger.id, errors });
			continue;
		}
		const a = check.analysis;
		const s = a?.shortcut ?? null;
		entries.push({
			trigger,
			regex: check.regex,
			cost: Math.max(1, check.regex.programSize()),
			kind: s ? 2 : a && a.clauses.length > 0 ? 1 : 0,
			clauses: a?.clauses ?? [],
			literals: s ? s.literals : [],
			before: s ? BEFORE[s.before] : 0,
			after: s ? AFTER[s.after] : 0,
		});
	}
	return new CompiledTriggerSet(entries, skipped, options.maxWork ?? MAX_REGEX_WORK);
}

function textOf(e: Entry): readonly string[] {
	return e.kind === 2 ? e.literals : e.kind === 1 ? e.clauses.flat() : [];
}

function isWordCode(c: number): boolean {
	return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

class CompiledTriggerSet implements TriggerMatcher {
	readonly stats: MatcherStats;
	private readonly triggers: readonly Trigger[];
	private readonly regexes: readonly RE2JS[];
	private readonly costs: Int32Array;
	private work: MatchWork = { evaluated: 0, skipped: 0, units: 0 };
	/** Entries run on every message, ascending. */
	private readonly always: Int32Array;
	/** Bit mask of the clauses a clause entry needs. */
	private readonly need: Uint8Array;

	// Automaton: dense transition table over character classes.
	private readonly width: number;
	private readonly classOf: Uint8Array;
	private readonly classS: number;
	private readonly classK: number;
	private readonly table: Int32Array;
	/** Per state: literal ending here (-1: none) and next state on the suffix chain that ends a literal (-1: none). */
	private readonly own: Int32Array;
	private readonly dict: Int32Array;
	private readonly terminal: Uint8Array;
	/** Per literal: its length, and its slices of `refs` (clause refs: entry * 4 + clause) and `shorts` (entry, before, after). */
	private readonly litLength: Int32Array;
	private readonly refStart: Int32Array;
	private readonly refs: Int32Array;
	private readonly shortStart: Int32Array;
	private readonly shorts: Int32Array;

	// Scratch, reset by bumping the stamp.
	private stamp = 0;
	private readonly litSeen: Uint32Array;
	private readonly entryStamp: Uint32Array;
	private readonly entryMask: Uint8Array;
	private readonly done: Uint32Array;
	private readonly confirmed: number[] = [];
	private readonly candidates: number[] = [];

	constructor(
		entries: Entry[],
		readonly skipped: readonly SkippedTrigger[],
		private readonly maxWork: number,
	) {
		const n = entries.length;
		this.triggers = entries.map((e) => e.trigger);
		this.regexes = entries.map((e) => e.regex);
		this.costs = Int32Array.from(entries.map((e) => e.cost));

		// Character classes of the literal strings; stay within the table budget.
		const chars = new Set<number>();
		for (const e of entries) for (const lit of textOf(e)) for (let i = 0; i < lit.length; i++) chars.add(lit.charCodeAt(i));
		const width = chars.size + 1;
		let budget = 1 + entries.reduce((sum, e) => sum + textOf(e).reduce((x, lit) => x + lit.length, 0), 0);
		if (budget * width > MAX_TABLE) {
			const byWeight = entries.map((e, i) => [textOf(e).reduce((x, lit) => x + lit.length, 0), i]).sort((a, b) => b[0] - a[0]);
			for (const [weight, i] of byWeight) {
				if (budget * width <= MAX_TABLE) break;
				entries[i].kind = 0;
				budget -= weight;
			}
		}
		const classOf = new Uint8Array(128);
		let next = 1;
		for (const c of [...chars].sort((a, b) => a - b)) classOf[c] = next++;
		// Literals are lowercase; the text's capitals read as their lowercase letter.
		for (let c = 0x41; c <= 0x5a; c++) classOf[c] = classOf[c + 32];
		this.width = width;
		this.classOf = classOf;
		this.classS = classOf[0x73];
		this.classK = classOf[0x6b];

		// Literals and what each one feeds.
		const litIndex = new Map<string, number>();
		const litRefs: number[][] = [];
		const litShorts: number[][] = [];
		const always: number[] = [];
		const need = new Uint8Array(n);
		const literal = (text: string): number => {
			let id = litIndex.get(text);
			if (id === undefined) {
				id = litIndex.size;
				litIndex.set(text, id);
				litRefs.push([]);
				litShorts.push([]);
			}
			return id;
		};
		let shortcut = 0;
		let prefiltered = 0;
		entries.forEach((e, i) => {
			if (e.kind === 2) {
				shortcut++;
				for (const lit of e.literals) litShorts[literal(lit)].push(i, e.before, e.after);
			} else if (e.kind === 1) {
				prefiltered++;
				need[i] = (1 << e.clauses.length) - 1;
				e.clauses.forEach((clause, ci) => {
					for (const lit of clause) litRefs[literal(lit)].push(i * 4 + ci);
				});
			} else {
				always.push(i);
			}
		});
		this.always = Int32Array.from(always);
		this.need = need;

		// Trie over classes, then breadth-first failure links and the dense table.
		const lits = [...litIndex.keys()];
		const children: Map<number, number>[] = [new Map<number, number>()];
		const ownList: number[] = [-1];
		const depth: number[] = [0];
		lits.forEach((text, id) => {
			let state = 0;
			for (let i = 0; i < text.length; i++) {
				const cls = classOf[text.charCodeAt(i)];
				let child = children[state].get(cls);
				if (child === undefined) {
					child = children.length;
					children.push(new Map<number, number>());
					ownList.push(-1);
					depth.push(depth[state] + 1);
					children[state].set(cls, child);
				}
				state = child;
			}
			ownList[state] = id;
		});
		const states = children.length;
		const table = new Int32Array(states * width);
		const fail = new Int32Array(states);
		const dict = new Int32Array(states).fill(-1);
		const own = Int32Array.from(ownList);
		const queue: number[] = [];
		for (const [cls, child] of children[0]) {
			table[cls] = child;
			queue.push(child);
		}
		for (let q = 0; q < queue.length; q++) {
			const state = queue[q];
			const f = fail[state];
			for (let cls = 1; cls < width; cls++) {
				const child = children[state].get(cls);
				if (child === undefined) {
					table[state * width + cls] = table[f * width + cls];
				} else {
					table[state * width + cls] = child;
					const cf = table[f * width + cls];
					fail[child] = cf;
					dict[child] = own[cf] >= 0 ? cf : dict[cf];
					queue.push(child);
				}
			}
		}
		const terminal = new Uint8Array(states);
		for (let s = 0; s < states; s++) terminal[s] = own[s] >= 0 || dict[s] >= 0 ? 1 : 0;
		this.table = table;
		this.own = own;
		this.dict = dict;
		this.terminal = terminal;

		const flatten = (lists: number[][]): [Int32Array, Int32Array] => {
			const start = new Int32Array(lists.length + 1);
			lists.forEach((l, i) => (start[i + 1] = start[i] + l.length));
			return [start, Int32Array.from(lists.flat())];
		};
		[this.refStart, this.refs] = flatten(litRefs);
		[this.shortStart, this.shorts] = flatten(litShorts);
		this.litLength = Int32Array.from(lits.map((l) => l.length));

		this.litSeen = new Uint32Array(lits.length);
		this.entryStamp = new Uint32Array(n);
		this.entryMask = new Uint8Array(n);
		this.done = new Uint32Array(n);
		this.stats = { triggers: n, shortcut, prefiltered, unfiltered: always.length, literals: lits.length, states };
	}

	get lastRun(): MatchWork {
		return this.work;
	}

	match(text: string): readonly Trigger[] {
		this.work = { evaluated: 0, skipped: 0, units: 0 };
		if (typeof text !== 'string') return NONE;
		this.scan(text);
		const { confirmed, candidates } = this;
		for (let k = 0; k < this.always.length; k++) candidates.push(this.always[k]);
		candidates.sort((a, b) => a - b);
		const budget = this.budget(text);
		for (const i of candidates) if (budget.run(i)) confirmed.push(i);
		this.work = budget.done();
		if (confirmed.length === 0) return NONE;
		confirmed.sort((a, b) => a - b);
		return confirmed.map((i) => this.triggers[i]);
	}

	first(text: string): Trigger | undefined {
		this.work = { evaluated: 0, skipped: 0, units: 0 };
		if (typeof text !== 'string') return undefined;
		this.scan(text);
		const { confirmed, candidates } = this;
		let best = Infinity;
		for (const i of confirmed) if (i < best) best = i;
		for (let k = 0; k < this.always.length; k++) candidates.push(this.always[k]);
		candidates.sort((a, b) => a - b);
		const budget = this.budget(text);
		for (const i of candidates) {
			if (i >= best) break;
			if (budget.run(i)) {
				best = i;
				break;
			}
		}
		this.work = budget.done();
		return best === Infinity ? undefined : this.triggers[best];
	}

	/** Runs regexes against `text` within the work budget: `run(i)` is false for a run that would exceed it. */
	private budget(text: string): { run(i: number): boolean; done(): MatchWork } {
		const perChar = text.length + 1;
		let units = 0;
		let evaluated = 0;
		let skipped = 0;
		return {
			run: (i: number): boolean => {
				const cost = this.costs[i] * perChar;
				if (units + cost > this.maxWork) {
					skipped++;
					return false;
				}
				units += cost;
				evaluated++;
				return this.regexes[i].test(text);
			},
			done: () => ({ evaluated, skipped, units }),
		};
	}

	/** One pass of the automaton: fills `confirmed` (shortcut matches) and `candidates` (clause entries to run). */
	private scan(text: string): void {
		this.confirmed.length = 0;
		this.candidates.length = 0;
		if (++this.stamp === 0xffffffff) {
			this.litSeen.fill(0);
			this.entryStamp.fill(0);
			this.done.fill(0);
			this.stamp = 1;
		}
		const { table, width, classOf, classS, classK, terminal } = this;
		const n = text.length;
		let state = 0;
		for (let i = 0; i < n; i++) {
			const c = text.charCodeAt(i);
			const cls = c < 128 ? classOf[c] : c === 0x17f ? classS : c === 0x212a ? classK : 0;
			state = table[state * width + cls];
			if (terminal[state] === 1) this.report(state, i, text);
		}
	}

	/** Every literal ending at `end` (inclusive), via the state and its suffix chain. */
	private report(state: number, end: number, text: string): void {
		const stamp = this.stamp;
		let s = this.own[state] >= 0 ? state : this.dict[state];
		while (s >= 0) {
			const lit = this.own[s];
			if (this.litSeen[lit] !== stamp) {
				this.litSeen[lit] = stamp;
				for (let k = this.refStart[lit], e = this.refStart[lit + 1]; k < e; k++) {
					const ref = this.refs[k];
					const i = ref >> 2;
					if (this.entryStamp[i] !== stamp) {
						this.entryStamp[i] = stamp;
						this.entryMask[i] = 0;
					}
					const mask = this.entryMask[i] | (1 << (ref & 3));
					if (mask !== this.entryMask[i]) {
						this.entryMask[i] = mask;
						if (mask === this.need[i]) this.candidates.push(i);
					}
				}
			}
			const from = this.shortStart[lit];
			const to = this.shortStart[lit + 1];
			if (from !== to) {
				const start = end + 1 - this.litLength[lit];
				for (let k = from; k < to; k += 3) {
					const i = this.shorts[k];
					if (this.done[i] !== stamp && holds(text, start, end + 1, this.shorts[k + 1], this.shorts[k + 2])) {
						this.done[i] = stamp;
						this.confirmed.push(i);
					}
				}
			}
			s = this.dict[s];
		}
	}
}

/** The shortcut's conditions around an occurrence [start, end): RE2's `^`, `$` (whole text) and ASCII `\b`, `\B`. */
function holds(text: string, start: number, end: number, before: number, after: number): boolean {
	if (before === 1 && start !== 0) return false;
	if (before >= 2) {
		const boundary = (start > 0 && isWordCode(text.charCodeAt(start - 1))) !== isWordCode(text.charCodeAt(start));
		if (boundary !== (before === 2)) return false;
	}
	if (after === 1 && end !== text.length) return false;
	if (after >= 2) {
		const boundary = isWordCode(text.charCodeAt(end - 1)) !== (end < text.length && isWordCode(text.charCodeAt(end)));
		if (boundary !== (after === 2)) return false;
	}
	return true;
}
