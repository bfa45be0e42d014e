/**
 * Chatbot benchmarks (issue 6 targets), each against a baseline measured in the same run:
 * (a) 1,000 triggers on a chat corpus: the compiled matcher vs testing each trigger's native RegExp in turn (target:
 *     ratio <= 0.1, i.e. at least 10x faster);
 * (b) the hostile pattern `(a+)+$` against 30 `a`s and a `!`, inside a 1,000-trigger set: the matcher's time for that
 *     message (target: under 1,000 us) vs one native test of a safe regex on it;
 * (c) a 5 kB message against 1,000 triggers the prefilter cannot narrow: time per trigger with the cost cap (target:
 *     well under 1,000 us) vs the same set without the cap;
 * (d) points parsing of messages without points vs one precompiled native RegExp test on each (target: ratio <= 2).
 * The corpus is generated with a seeded PRNG, so every run measures the same messages.
 */
import { RE2JS } from 're2js';

import { parsePoints } from '../core/chatbot/points';
import { compileTriggerSet, MAX_REGEX_WORK } from '../core/chatbot/triggerMatcher';
import type { Trigger } from '../core/chatbot/triggers';
import { Benchmark, timePerCall } from './harness';

/** mulberry32: small, fast, seeded. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const CHAT = (
	'i you we they it the a an and or but so to of in on at for with from about this that is are was were be been have has had do does ' +
	'did not no yes ok okay thanks thank please sorry hi hello hey morning night today tomorrow yesterday now later soon just really ' +
	'very much more less some any all what when where why how who which can could would should will might must need want like think ' +
	'know see look make take get give go come work working done doing fix fixed fixing issue bug test tests build deploy release ' +
	'branch merge review code server client api docs meeting call team lunch coffee weekend week day time plan idea question answer ' +
	'problem help update change changes new old good great nice cool awesome bad weird strange broken slow fast running stopped up ' +
	'down again still already maybe probably actually here there back home office remote link file files page error errors log logs ' +
	'config setting settings user users account data database query cache staging production prod local machine laptop screen ' +
	'channel room message thread reply ping pong check checked sure right wrong true false'
).split(' ');

const TECH =
	'vpn wifi password printer parking badge payroll holiday expense invoice monitor keyboard docker kubernetes jenkins grafana sentry onboarding offboarding standup retro sprint roadmap budget hackathon'.split(
		' ',
	);

const NAMES =
	'jane bob alice carlos dmitri eve frank grace heidi ivan judy mallory niaj olivia peggy rupert sybil trent victor wendy'.split(' ');
const EMOJI = ['🎉', '👍', '😀', '🙏', '🚀', '😅', '🔥'];

function pick<T>(rnd: () => number, list: readonly T[]): T {
	return list[Math.floor(rnd() * list.length)];
}

/** Pronounceable made-up keywords (product names, channel jargon): what real trigger sets are mostly made of. */
function keywords(rnd: () => number, count: number): string[] {
	const on = ['b', 'br', 'd', 'f', 'g', 'gr', 'k', 'kl', 'm', 'n', 'p', 'pl', 'qu', 'r', 's', 'st', 't', 'tr', 'v', 'z'];
	const nu = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea'];
	const co = ['', 'n', 'r', 'x', 'l', 'nd', 'rk', 'st'];
	const out = new Set<string>(TECH);
	while (out.size < count) {
		let w = '';
		const syllables = 2 + Math.floor(rnd() * 2);
		for (let s = 0; s < syllables; s++) w += pick(rnd, on) + pick(rnd, nu) + (s === syllables - 1 ? pick(rnd, co) : '');
		out.add(w);
	}
	return [...out];
}

export interface ChatCorpus {
	readonly triggers: Trigger[];
	readonly messages: string[];
}

/** 1,000 admin-style triggers and a chat corpus where some messages mention their keywords. Deterministic per seed. */
export function makeCorpus(seed = 42, triggerCount = 1000, messageCount = 2000): ChatCorpus {
	const rnd = prng(seed);
	const kw = keywords(rnd, 700);
	const w = (): string => pick(rnd, kw);
	const c = (): string => pick(rnd, CHAT);
	const templates: Array<[number, () => string]> = [
		[20, () => `\\b${w()}\\b`],
		[10, () => `\\b(?:${w()}|${w()}|${w()})\\b`],
		[14, () => `${w()} ${c()}`],
		[10, () => `^!${w()}\\b`],
		[8, () => `${w()}\\s+${w()}`],
		[8, () => `${w()}.*${c()}`],
		[6, () => `\\b${w()}(?:s|ing)?\\b`],
		[6, () => `(?:how|where) (?:do|can) i ${w()}`],
		[5, () => `\\d+ ${w()}s?`],
		[5, () => `^(?:hi|hello|hey),? ${w()}\\b`],
		[5, () => `${w()}[- ]?${w()}`],
		[3, () => `[#@]${w()}`],
	];
	const total = templates.reduce((s, [weight]) => s + weight, 0);
	const triggers: Trigger[] = [];
	// A few patterns without any required literal run on every message; real sets have some.
	const unfiltered = ['^[?!.]{3,}$', '^[^a-z0-9]+$'];
	for (let i = 0; i < triggerCount; i++) {
		let pattern: string;
		if (i % 400 === 399) pattern = unfiltered[Math.floor(i / 400) % unfiltered.length];
		else {
			let r = rnd() * total;
			let k = 0;
			while (r >= templates[k][0]) r -= templates[k++][0];
			pattern = templates[k][1]();
		}
		triggers.push({ id: `t${i}`, pattern, responses: ['ok {name}'], enabled: true });
	}
	const messages: string[] = [];
	for (let m = 0; m < messageCount; m++) {
		const words: string[] = [];
		const n = 3 + Math.floor(rnd() * 22);
		for (let i = 0; i < n; i++) words.push(c());
		const put = (x: string): void => void words.splice(Math.floor(rnd() * (words.length + 1)), 0, x);
		if (rnd() < 0.08) put(w());
		if (rnd() < 0.02) put(`${w()} ${c()}`);
		if (rnd() < 0.15) put(`@${pick(rnd, NAMES)}`);
		if (rnd() < 0.05) put('`npm run build --watch`');
		if (rnd() < 0.04) put(pick(rnd, ['C++', 'i++', 'x--', '+-1', 'a->b']));
		if (rnd() < 0.1) put(pick(rnd, EMOJI));
		if (rnd() < 0.04) put(`https://example.com/${c()}/${Math.floor(rnd() * 1000)}`);
		if (rnd() < 0.05) put(String(Math.floor(rnd() * 100)));
		let text = words.join(' ');
		if (rnd() < 0.5) text = text[0].toUpperCase() + text.slice(1);
		if (rnd() < 0.3) text += pick(rnd, ['.', '?', '!', '...', ' :)']);
		if (rnd() < 0.02) text = `!${w()} ${text}`;
		messages.push(text);
	}
	return { triggers, messages };
}

function nativeOf(triggers: readonly Trigger[]): RegExp[] {
	return triggers.map((t) => new RegExp(t.pattern, 'i'));
}

export const benchmarks: Benchmark[] = [
	{
		name: 'chatbot: 1,000 triggers, compiled matcher vs each native RegExp in turn (per message)',
		unit: 'us',
		async run() {
			const { triggers, messages } = makeCorpus();
			const t0 = Date.now();
			const matcher = compileTriggerSet(triggers);
			const compileMs = Date.now() - t0;
			const native = nativeOf(triggers);
			let agree = 0;
			let withMatch = 0;
			for (const m of messages) {
				const ours = matcher.match(m).map((t) => t.id);
				const naive = triggers.filter((_, i) => native[i].test(m)).map((t) => t.id);
				if (ours.join() === naive.join()) agree++;
				if (ours.length > 0) withMatch++;
			}
			const perMessage = (fn: (m: string) => unknown, list: readonly string[], rounds = 15): number =>
				timePerCall(
					() => {
						for (const m of list) fn(m);
					},
					{ rounds, warmup: 2 },
				) / list.length;
			const value = perMessage((m) => matcher.match(m), messages);
			const first = perMessage((m) => matcher.first(m), messages);
			const baseline = perMessage((m) => native.filter((re) => re.test(m)), messages);
			const hitting = messages.filter((m) => matcher.match(m).length > 0);
			const hitValue = perMessage((m) => matcher.match(m), hitting);
			const hitBaseline = perMessage((m) => native.filter((re) => re.test(m)), hitting);
			const re2 = triggers.map((t) => RE2JS.compile(t.pattern, RE2JS.CASE_INSENSITIVE));
			const re2InTurn = perMessage((m) => re2.filter((re) => re.test(m)), messages.slice(0, 100), 3);
			return {
				value,
				baseline,
				details: {
					messages: messages.length,
					messagesWithAMatch: withMatch,
					agreementWithNative: `${agree}/${messages.length}`,
					speedup: Number((baseline / value).toFixed(1)),
					firstMatchUs: Number(first.toFixed(3)),
					onMessagesWithAMatchUs: Number(hitValue.toFixed(3)),
					naiveOnMessagesWithAMatchUs: Number(hitBaseline.toFixed(1)),
					re2jsInTurnUs: Number(re2InTurn.toFixed(1)),
					compileMs,
					...matcher.stats,
				},
			};
		},
	},
	{
		name: 'chatbot: hostile (a+)+$ on 30 a + "!" in a 1,000-trigger set, matcher vs one safe native test',
		unit: 'us',
		async run() {
			const { triggers } = makeCorpus();
			const set = [...triggers.slice(0, 999), { id: 'hostile', pattern: '(a+)+$', responses: ['x'], enabled: true }];
			const matcher = compileTriggerSet(set);
			const input = 'a'.repeat(30) + '!';
			const alone = compileTriggerSet([set[999]]);
			const hits = matcher.match(input).length;
			const value = timePerCall(() => matcher.match(input), { rounds: 25, perRound: 200 });
			const safe = /a+$/;
			const baseline = timePerCall(() => safe.test(input), { rounds: 25, perRound: 20000 });
			const aloneUs = timePerCall(() => alone.match(input), { rounds: 25, perRound: 1000 });
			// Native backtracking for comparison, at sizes that finish: it doubles with each extra `a`.
			const nativeHostile = /(a+)+$/;
			const nativeAt = (n: number): number => {
				const s = 'a'.repeat(n) + '!';
				return timePerCall(() => nativeHostile.test(s), { rounds: 3, warmup: 1 });
			};
			const n20 = nativeAt(20);
			return {
				value,
				baseline,
				details: {
					matcherUs: Number(value.toFixed(2)),
					targetUs: 1000,
					hostileTriggerAloneUs: Number(aloneUs.toFixed(2)),
					matched: hits,
					nativeBacktracking20aUs: Math.round(n20),
					nativeBacktracking30aEstimatedS: Number(((n20 * 2 ** 10) / 1e6).toFixed(1)),
				},
			};
		},
	},
	{
		name: 'chatbot: 5 kB message against 1,000 triggers the prefilter cannot narrow, per trigger: capped matcher vs uncapped',
		unit: 'us',
		async run() {
			// Patterns without literal text (no clause, no shortcut), none matching the message: every one is a full regex run.
			const triggers: Trigger[] = Array.from({ length: 1000 }, (_, i) => ({
				id: `u${i}`,
				pattern: `(\\w\\W){${(i % 7) + 2}}\\s{${(i % 5) + 3}}`,
				responses: ['x'],
				enabled: true,
			}));
			const text = ('lorem ipsum dolor sit amet ' + 'x'.repeat(20) + ' ').repeat(110).slice(0, 5000);
			const capped = compileTriggerSet(triggers);
			const uncapped = compileTriggerSet(triggers, { maxWork: Number.POSITIVE_INFINITY });
			capped.first(text);
			const work = capped.lastRun;
			const value = timePerCall(() => capped.first(text), { rounds: 9, warmup: 2 }) / triggers.length;
			const baseline = timePerCall(() => uncapped.first(text), { rounds: 3, warmup: 1 }) / triggers.length;
			return {
				value,
				baseline,
				details: {
					targetUsPerTrigger: 1000,
					messageChars: text.length,
					unfiltered: capped.stats.unfiltered,
					evaluated: work.evaluated,
					skippedByCap: work.skipped,
					budgetUnits: MAX_REGEX_WORK,
					messageMs: Number(((value * triggers.length) / 1000).toFixed(2)),
					uncappedMessageMs: Number(((baseline * triggers.length) / 1000).toFixed(1)),
				},
			};
		},
	},
	{
		name: 'chatbot: points parsing of messages without points vs one precompiled native RegExp test (per message)',
		unit: 'us',
		async run() {
			const { messages } = makeCorpus(7, 0, 5000);
			const plain = messages.filter((m) => parsePoints(m).length === 0);
			const withAt = plain.filter((m) => m.includes('@')).length;
			const re = /@[A-Za-z0-9._-]+[ \t]*(?:\+\+|--|[\u2013\u2014])/;
			const perMessage = (fn: (m: string) => unknown): number =>
				timePerCall(
					() => {
						for (const m of plain) fn(m);
					},
					{ rounds: 25, warmup: 3 },
				) / plain.length;
			const value = perMessage((m) => parsePoints(m));
			const baseline = perMessage((m) => re.test(m));
			return {
				value,
				baseline,
				details: { messages: plain.length, withMention: withAt, targetRatio: 2 },
			};
		},
	},
];
