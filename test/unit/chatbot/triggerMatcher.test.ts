import { expect } from 'chai';
import fc from 'fast-check';
import { RE2JS } from 're2js';

import { makeCorpus } from '../../../bench/chatbot.bench';
import { analyzePattern, Shortcut } from '../../../core/chatbot/regexAnalysis';
import { compileTriggerSet, MAX_REGEX_WORK } from '../../../core/chatbot/triggerMatcher';
import { checkPattern, Trigger } from '../../../core/chatbot/triggers';

const CI = RE2JS.CASE_INSENSITIVE;

function compiles(p: string): RE2JS | null {
	try {
		return RE2JS.compile(p, CI);
	} catch {
		return null;
	}
}

/** The text as the matcher reads it: ASCII lowercased, long s and Kelvin sign folded, length kept. */
function fold(text: string): string {
	return text.toLowerCase().length === text.length
		? text.replace(/[A-Z\u017f\u212a]/g, (c) => (c === '\u017f' ? 's' : c === '\u212a' ? 'k' : c.toLowerCase()))
		: [...text].map((c) => (c === '\u017f' ? 's' : c === '\u212a' ? 'k' : /[A-Z]/.test(c) ? c.toLowerCase() : c)).join('');
}

/** Reference semantics of a shortcut, written independently of the matcher: every occurrence, RE2's ASCII \b. */
function shortcutMatches(s: Shortcut, text: string): boolean {
	const f = fold(text);
	const word = (i: number): boolean => i >= 0 && i < text.length && /[A-Za-z0-9_]/.test(text[i]);
	for (const lit of s.literals) {
		for (let at = f.indexOf(lit); at !== -1; at = f.indexOf(lit, at + 1)) {
			const end = at + lit.length;
			const b = word(at - 1) !== word(at);
			const a = word(end - 1) !== word(end);
			const okBefore = s.before === 'none' || (s.before === 'start' ? at === 0 : s.before === 'word' ? b : !b);
			const okAfter = s.after === 'none' || (s.after === 'end' ? end === text.length : s.after === 'word' ? a : !a);
			if (okBefore && okAfter) return true;
		}
	}
	return false;
}

// Random RE2 patterns from a grammar that covers what the analysis models (and a few things it must give up on).
const literal = fc.constantFrom(
	'a',
	'b',
	'k',
	's',
	'K',
	'S',
	'A',
	' ',
	'!',
	'-',
	'1',
	'é',
	'\\.',
	'\\!',
	'\\x61',
	'\\141',
	'\\ ',
	'_',
	'{',
	',',
);
const charClass = fc.constantFrom(
	'[ab]',
	'[^a]',
	'[a-c]',
	'[\\d-z]',
	'[[:alpha:]]',
	'\\d',
	'\\w',
	'\\s',
	'\\pL',
	'.',
	'[K]',
	'[ks]',
	'[A-C]',
	'\\D',
	'[-a]',
	'[a-]',
	'[]a]',
	'[\\x61-\\x63]',
	'[\\]]',
	'\\p{Greek}',
	'[[:^digit:]k]',
);
const assertion = fc.constantFrom('^', '$', '\\b', '\\B', '\\A', '\\z');
const quantifier = fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,2}', '{2,}', '*?', '+?', '??', '{0}', '{01}', '{,2}');
const { node: patternArb } = fc.letrec<{ node: string; atom: string; concat: string; alt: string; group: string; repeat: string }>(
	(tie) => ({
		node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('atom'), tie('concat'), tie('alt'), tie('group'), tie('repeat')),
		atom: fc.oneof({ weight: 4, arbitrary: literal }, { weight: 2, arbitrary: charClass }, { weight: 1, arbitrary: assertion }),
		concat: fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((xs) => xs.join('')),
		alt: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((xs) => xs.join('|')),
		group: fc
			.tuple(fc.constantFrom('(?:', '(', '(?i:', '(?-i:', '(?P<n>', '(?s:', '(?m:'), tie('node'))
			.map(([open, x]) => `${open}${x})`),
		repeat: fc.tuple(fc.oneof(literal, charClass, tie('group')), quantifier).map(([x, q]) => x + q),
	}),
);
const pattern = fc
	.tuple(fc.constantFrom('', '', '', '(?-i)', '(?m)', '\\Qa.b\\E'), patternArb)
	.map(([prefix, p]) => prefix + p)
	.filter((p) => compiles(p) !== null);
/** Patterns of the shape the matcher decides without a regex: literals with optional anchors or boundaries. */
const shortcutPattern = fc
	.tuple(
		fc.constantFrom('', '^', '\\b', '\\B', '\\A'),
		fc.array(fc.constantFrom('a', 'k', 's', 'ab', 'K', '!', '1', '-', ' ', 'b?', '[ak]', '_'), { minLength: 1, maxLength: 3 }),
		fc.boolean(),
		fc.constantFrom('', '$', '\\b', '\\B', '\\z'),
	)
	.map(([before, parts, alt, after]) => before + (alt ? `(?:${parts.join('|')})` : parts.join('')) + after)
	.filter((p) => compiles(p) !== null);
const anyPattern = fc.oneof(pattern, shortcutPattern);
const text = fc.string({
	unit: fc.constantFrom(
		'a',
		'b',
		'k',
		's',
		'A',
		'B',
		'K',
		'S',
		'\u017f',
		'\u212a',
		' ',
		'!',
		'\n',
		'1',
		'é',
		'.',
		'-',
		'_',
		'c',
		'{',
		',',
		'α',
	),
	maxLength: 14,
});

describe('chatbot trigger matcher', () => {
	it("only the long s and the Kelvin sign fold into ASCII under RE2's case-insensitive matching", function () {
		this.timeout(120_000);
		const ascii = RE2JS.compile('[\\x00-\\x7f]', CI);
		const folding: number[] = [];
		for (let cp = 0x80; cp <= 0x10ffff; cp++) {
			if (cp >= 0xd800 && cp <= 0xdfff) continue;
			if (ascii.test(String.fromCodePoint(cp))) folding.push(cp);
		}
		expect(folding).to.deep.equal([0x17f, 0x212a]);
		const m = compileTriggerSet(['s', 'k', 'x'].map((p) => ({ id: p, pattern: p, responses: ['r'], enabled: true })));
		expect(m.match('\u017f').map((t) => t.id)).to.deep.equal(['s']);
		expect(m.match('\u212a').map((t) => t.id)).to.deep.equal(['k']);
		expect(m.match('X').map((t) => t.id)).to.deep.equal(['x']);
	});

	it('analysis is sound: clauses are necessary, shortcuts exact, minimum length a lower bound', () => {
		fc.assert(
			fc.property(anyPattern, fc.array(text, { minLength: 1, maxLength: 12 }), (p, texts) => {
				const re = compiles(p) as RE2JS;
				const a = analyzePattern(p);
				if (a === null) return;
				for (const t of texts) {
					const hit = re.exec(t);
					if (hit) {
						const f = fold(t);
						for (const clause of a.clauses)
							expect(
								clause.some((lit) => f.includes(lit)),
								`${p} / ${JSON.stringify(t)} / ${clause.join(',')}`,
							).to.equal(true);
						expect([...String(hit[0])].length).to.be.at.least(a.minLength);
					}
					if (a.shortcut) expect(shortcutMatches(a.shortcut, t), `${p} / ${JSON.stringify(t)}`).to.equal(hit !== null);
				}
			}),
			{ numRuns: 3000 },
		);
	});

	it('analysis extracts what it should from common patterns', () => {
		const cases: Array<[string, string[][], string | null]> = [
			['hello', [['hello']], 'none hello none'],
			['\\bpizza\\b', [['pizza']], 'word pizza word'],
			['^!help\\b', [['!help']], 'start !help word'],
			['gr[ae]y', [['gray', 'grey']], 'none gray,grey none'],
			['colou?r', [['color', 'colour']], 'none colour,color none'],
			['deploy.*failed', [['deploy'], ['failed']], null],
			['a{01}', [['a{01}']], 'none a{01} none'],
			['\\x41B', [['ab']], 'none ab none'],
			['(?-i)Hello', [['hello']], null],
			['(a+)+$', [['a']], null],
			['^[^a-z]+$', [], null],
		];
		for (const [p, clauses, shortcut] of cases) {
			const a = analyzePattern(p);
			expect(a, p).to.not.equal(null);
			expect(
				a?.clauses.map((c) => [...c].sort()),
				p,
			).to.deep.equal(clauses.map((c) => [...c].sort()));
			const s = a?.shortcut;
			expect(s ? `${s.before} ${s.literals.join(',')} ${s.after}` : null, p).to.equal(shortcut);
		}
	});

	it('matches exactly like testing each pattern in turn (random patterns and texts)', () => {
		fc.assert(
			fc.property(
				fc.array(anyPattern, { minLength: 1, maxLength: 12 }),
				fc.array(text, { minLength: 1, maxLength: 15 }),
				(patterns, texts) => {
					const triggers: Trigger[] = patterns.map((p, i) => ({
						id: `t${i}`,
						pattern: p,
						responses: ['r'],
						enabled: i % 7 !== 6,
					}));
					const valid = triggers.filter((t) => t.enabled && checkPattern(t.pattern).ok);
					const regexes = valid.map((t) => RE2JS.compile(t.pattern, CI));
					const matcher = compileTriggerSet(triggers);
					for (const t of texts) {
						const naive = valid.filter((_, i) => regexes[i].test(t)).map((x) => x.id);
						expect(
							matcher.match(t).map((x) => x.id),
							`${JSON.stringify(t)}`,
						).to.deep.equal(naive);
						expect(matcher.first(t)?.id).to.equal(naive[0]);
					}
				},
			),
			{ numRuns: 1500 },
		);
	});

	it('matches exactly like testing each pattern in turn on the benchmark corpus (1,000 triggers)', function () {
		this.timeout(60_000);
		const { triggers, messages } = makeCorpus(42, 1000, 400);
		const matcher = compileTriggerSet(triggers);
		expect(matcher.skipped).to.deep.equal([]);
		expect(matcher.stats.triggers).to.equal(1000);
		const regexes = triggers.map((t) => RE2JS.compile(t.pattern, CI));
		let matched = 0;
		for (const m of [...messages, ...triggers.slice(0, 50).map((t) => t.pattern.replace(/[\\^$()?:|*+.]/g, ' '))]) {
			const naive = triggers.filter((_, i) => regexes[i].test(m)).map((t) => t.id);
			const ours = matcher.match(m).map((t) => t.id);
			expect(ours, m).to.deep.equal(naive);
			if (ours.length > 0) matched++;
		}
		expect(matched).to.be.greaterThan(10);
	});

	it('keeps the hostile (a+)+$ harmless: no match on 30 a and a !, nor on 20,000 a and a !, a match without the !', () => {
		// How fast (under 1 ms, linear in the length) is measured by bench/chatbot.bench.ts, not asserted here.
		const { triggers } = makeCorpus(42, 999, 0);
		const matcher = compileTriggerSet([...triggers, { id: 'hostile', pattern: '(a+)+$', responses: ['r'], enabled: true }]);
		expect(matcher.match('a'.repeat(30) + '!')).to.deep.equal([]);
		expect(matcher.match('a'.repeat(20_000) + '!')).to.deep.equal([]);
		expect(matcher.first('b' + 'a'.repeat(30))?.id).to.equal('hostile');
		expect(matcher.first('a'.repeat(20_000))?.id).to.equal('hostile');
	});

	describe('the cost cap on patterns the prefilter cannot narrow', () => {
		/** 1,000 patterns without literal text: the prefilter can rule none of them out. */
		const unnarrowable = (n: number, last?: string): Trigger[] =>
			Array.from({ length: n }, (_, i) => ({
				id: `u${i}`,
				pattern: i === n - 1 && last ? last : `(\\w\\W){${(i % 7) + 2}}\\s{${(i % 5) + 3}}`,
				responses: ['r'],
				enabled: true,
			}));
		const text5k = ('lorem ipsum dolor sit amet ' + 'x'.repeat(20) + ' ').repeat(110).slice(0, 5000);

		it('spends at most the budget on a 5 kB message against 1,000 of them, in set order', () => {
			const m = compileTriggerSet(unnarrowable(1000, '\\w+\\s+\\w+'));
			expect(m.stats.unfiltered).to.equal(1000);
			const all = m.match(text5k);
			const work = m.lastRun;
			expect(work.units).to.be.at.most(MAX_REGEX_WORK);
			expect(work.evaluated + work.skipped).to.equal(1000);
			expect(work.evaluated).to.be.greaterThan(0).and.lessThan(1000);
			// The last trigger would match, but the budget ran out before it.
			expect(all).to.deep.equal([]);
			expect(m.first(text5k)).to.equal(undefined);
			expect(m.lastRun.skipped).to.be.greaterThan(0);
		});

		it('runs every pattern on an ordinary message', () => {
			const m = compileTriggerSet(unnarrowable(1000, '\\w+\\s+\\w+'));
			expect(m.first('hello there')?.id).to.equal('u999');
			expect(m.lastRun).to.deep.include({ evaluated: 1000, skipped: 0 });
			expect(m.match('hello there').map((t) => t.id)).to.deep.equal(['u999']);
		});

		it('takes a smaller budget, and never leaves out literal shortcuts', () => {
			const set: Trigger[] = [...unnarrowable(3), { id: 'lit', pattern: '\\bdeploy\\b', responses: ['r'], enabled: true }];
			const m = compileTriggerSet(set, { maxWork: 1 });
			expect(m.match('please deploy now').map((t) => t.id)).to.deep.equal(['lit']);
			expect(m.lastRun).to.deep.include({ evaluated: 0, skipped: 3, units: 0 });
		});
	});

	it('answers with the first trigger in set order', () => {
		const m = compileTriggerSet([
			{ id: 'late', pattern: 'deploy.*failed', responses: ['r'], enabled: true },
			{ id: 'early', pattern: '\\bfailed\\b', responses: ['r'], enabled: true },
		]);
		expect(m.first('the deploy failed')?.id).to.equal('late');
		expect(m.match('the deploy failed').map((t) => t.id)).to.deep.equal(['late', 'early']);
		expect(m.first('it failed')?.id).to.equal('early');
		expect(m.first('nothing here')).to.equal(undefined);
		expect(m.match(undefined as unknown as string)).to.deep.equal([]);
	});
});
