/**
 * Chat triggers (pure): a trigger is a pattern and canned replies; a message that matches gets one reply, picked at
 * random, from the bot. This module validates triggers, holds the default one and renders replies; matching lives in
 * triggerMatcher.ts (`compileTriggerSet`).
 *
 * Decisions:
 * - Patterns are RE2 syntax, compiled with re2js: matching time is linear in the message length, whatever the pattern,
 *   because the engine never backtracks. `(a+)+$` is therefore accepted and harmless. Features that need backtracking
 *   are refused with a clear message: backreferences (`\1`, `\k<name>`, `(?P=name)`), lookahead and lookbehind,
 *   possessive quantifiers and atomic groups; so is any other syntax error (re2js's description is quoted).
 * - Matching is case-insensitive by default (`Hello` matches `hello`); a pattern can opt out with `(?-i)`. `^` and `$`
 *   are the start and end of the whole message; `(?m)` makes them match at line breaks. The pattern may match anywhere
 *   in the message (use `^...$` or `\b...\b` to require the whole message or whole words).
 * - A pattern that can match the empty text (`a*`, `(hello)?`, `\b`, `^`) is refused: it would answer (almost) every
 *   message.
 * - Bounds: a pattern has at most {@link MAX_PATTERN_LENGTH} characters and compiles to at most
 *   {@link MAX_PROGRAM_SIZE} instructions (this bounds the per-character matching cost), a set has at most
 *   {@link MAX_TRIGGERS} triggers, a trigger 1 to {@link MAX_RESPONSES} replies of at most {@link MAX_RESPONSE_LENGTH}
 *   characters each, none blank.
 * - Replies may use `{name}` (the sender's display name, or the username when there is none) and `{username}` (the
 *   sender's username, so `@{username}` mentions the sender). Anything else in braces is kept as written. An `@` in a
 *   display name is defused (a zero-width space after it), so a display name such as `@all` cannot make the bot notify
 *   a whole room; so are the mass mentions `@all`, `@here` and `@everyone` anywhere in a reply, whoever wrote it (the
 *   system of record's `PUT triggers` or an admin), so a reply never notifies a whole room.
 * - When several triggers match a message, the shell answers with the first one in the set's order
 *   (`matcher.first(text)`), one reply per message.
 */
import { RE2JS } from 're2js';

import { analyzePattern, PatternAnalysis } from './regexAnalysis';
import { describeError } from '../errors';

export interface Trigger {
	readonly id: string;
	readonly pattern: string;
	readonly responses: readonly string[];
	readonly enabled: boolean;
}

export interface ReplySender {
	readonly username: string;
	/** Display name; the username stands in when it is missing or blank. */
	readonly name?: string;
}

export type TriggerErrorCode =
	| 'invalid-id'
	| 'duplicate-id'
	| 'too-many-triggers'
	| 'empty-pattern'
	| 'pattern-too-long'
	| 'invalid-pattern'
	| 'backreference'
	| 'lookaround'
	| 'unsupported-syntax'
	| 'pattern-too-complex'
	| 'matches-empty'
	| 'no-responses'
	| 'too-many-responses'
	| 'empty-response'
	| 'response-too-long';

export interface TriggerError {
	readonly code: TriggerErrorCode;
	/** An English sentence for the admin (the shell may localise by `code`). */
	readonly message: string;
	/** The trigger concerned, when the error is about one. */
	readonly triggerId?: string;
	/** Position of the trigger in the set, or of the reply in the trigger, when relevant. */
	readonly index?: number;
}

export const MAX_TRIGGERS = 1000;
export const MAX_PATTERN_LENGTH = 500;
export const MAX_PROGRAM_SIZE = 2000;
export const MAX_RESPONSES = 20;
export const MAX_RESPONSE_LENGTH = 1000;
export const MAX_TRIGGER_ID_LENGTH = 100;

/** The trigger of a fresh install: "Bot Test" proves the bot is alive. Matches a message that is just `bot test`. */
export const DEFAULT_TRIGGER: Trigger = Object.freeze({
	id: 'bot-test',
	pattern: '^\\s*bot\\s+test\\s*[.!?]*\\s*$',
	responses: Object.freeze(['Hello {name}, I am alive and listening. 🤖']),
	enabled: true,
});

export const DEFAULT_TRIGGERS: readonly Trigger[] = Object.freeze([DEFAULT_TRIGGER]);

/** A pattern that passed validation, compiled for matching (case-insensitive) and analysed for the prefilter. */
export interface CheckedPattern {
	readonly ok: true;
	readonly regex: RE2JS;
	/** null when the analysis does not model the pattern (it is then run on every message). */
	readonly analysis: PatternAnalysis | null;
}

export type PatternCheck = CheckedPattern | { readonly ok: false; readonly error: TriggerError };

function fail(code: TriggerErrorCode, message: string): { ok: false; error: TriggerError } {
	return { ok: false, error: { code, message } };
}

/** Validates and compiles one pattern. Never throws. */
export function checkPattern(pattern: string): PatternCheck {
	if (typeof pattern !== 'string' || pattern.trim() === '') return fail('empty-pattern', 'The pattern is empty.');
	if (pattern.length > MAX_PATTERN_LENGTH) {
		return fail('pattern-too-long', `The pattern has ${pattern.length} characters; at most ${MAX_PATTERN_LENGTH} are allowed.`);
	}
	let regex: RE2JS;
	try {
		regex = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
	} catch (first) {
		// Compiled again without flags so that the error excerpt quotes the pattern as written (no `(?i)` prefix).
		let err = first;
		try {
			RE2JS.compile(pattern);
		} catch (plain) {
			err = plain;
		}
		return { ok: false, error: describeSyntaxError(pattern, err) };
	}
	const size = regex.programSize();
	if (size > MAX_PROGRAM_SIZE) {
		return fail(
			'pattern-too-complex',
			`The pattern compiles to ${size} instructions; at most ${MAX_PROGRAM_SIZE} are allowed. Use smaller repeat counts ({n,m}) or fewer alternatives.`,
		);
	}
	const analysis = analyzePattern(pattern);
	const matchesEmpty = analysis ? analysis.minLength === 0 : regex.test('') || regex.test(' ') || regex.test('a');
	if (matchesEmpty) {
		return fail(
			'matches-empty',
			'The pattern can match an empty text, so it would answer almost every message; make it require at least one character.',
		);
	}
	return { ok: true, regex, analysis };
}

function describeSyntaxError(pattern: string, err: unknown): TriggerError {
	const raw = describeError(err);
	const detail = raw.replace(/^error parsing regexp: /, '');
	const backref = /\\[1-9]|\\k<|\(\?P=/.exec(pattern);
	if (backref && /invalid escape sequence|unsupported Perl syntax/.test(detail)) {
		return {
			code: 'backreference',
			message: `Backreferences such as \`${backref[0]}\` are not supported: triggers run on a linear-time engine (RE2) that cannot backtrack.`,
		};
	}
	if (/\(\?<?[=!]/.test(pattern) && /unsupported Perl syntax|invalid named capture/.test(detail)) {
		return {
			code: 'lookaround',
			message: 'Lookahead and lookbehind ((?=...), (?!...), (?<=...), (?<!...)) are not supported by the linear-time engine (RE2).',
		};
	}
	if (/nested repetition operator: `[*+?}]\+/.test(detail) || /\(\?>/.test(pattern)) {
		return {
			code: 'unsupported-syntax',
			message:
				'Possessive quantifiers (a++) and atomic groups ((?>...)) are not supported; RE2 never backtracks, so plain a+ is just as safe.',
		};
	}
	return { code: 'invalid-pattern', message: `Invalid pattern: ${detail}.` };
}

/** Problems with one trigger (pattern and replies); empty when it is valid. */
export function validateTrigger(trigger: Trigger): TriggerError[] {
	return inspectTrigger(trigger).errors;
}

/** {@link validateTrigger}, plus the pattern check (compiled regex and analysis) for whoever needs it. */
export function inspectTrigger(trigger: Trigger): { readonly errors: TriggerError[]; readonly pattern: PatternCheck } {
	const errors: TriggerError[] = [];
	const id = typeof trigger.id === 'string' ? trigger.id : '';
	const tag = (e: TriggerError): TriggerError => (id ? { ...e, triggerId: id } : e);
	if (id.trim() === '' || id.length > MAX_TRIGGER_ID_LENGTH) {
		errors.push({ code: 'invalid-id', message: `A trigger id must have 1 to ${MAX_TRIGGER_ID_LENGTH} characters.` });
	}
	const check = checkPattern(trigger.pattern);
	if (!check.ok) errors.push(tag(check.error));
	const responses = Array.isArray(trigger.responses) ? trigger.responses : [];
	if (responses.length === 0) errors.push(tag({ code: 'no-responses', message: 'A trigger needs at least one reply.' }));
	if (responses.length > MAX_RESPONSES) {
		errors.push(
			tag({
				code: 'too-many-responses',
				message: `A trigger has at most ${MAX_RESPONSES} replies; this one has ${responses.length}.`,
			}),
		);
	}
	responses.forEach((r, index) => {
		if (typeof r !== 'string' || r.trim() === '') {
			errors.push(tag({ code: 'empty-response', message: `Reply ${index + 1} is empty.`, index }));
		} else if (r.length > MAX_RESPONSE_LENGTH) {
			errors.push(
				tag({
					code: 'response-too-long',
					message: `Reply ${index + 1} has ${r.length} characters; at most ${MAX_RESPONSE_LENGTH} are allowed.`,
					index,
				}),
			);
		}
	});
	return { errors, pattern: check };
}

/** Problems with a whole set (each trigger, duplicate ids, size); empty when the set can be saved. */
export function validateTriggerSet(triggers: readonly Trigger[]): TriggerError[] {
	const errors: TriggerError[] = [];
	if (triggers.length > MAX_TRIGGERS) {
		errors.push({ code: 'too-many-triggers', message: `A set has at most ${MAX_TRIGGERS} triggers; this one has ${triggers.length}.` });
	}
	const seen = new Set<string>();
	triggers.forEach((t, index) => {
		for (const e of validateTrigger(t)) errors.push({ ...e, index });
		if (seen.has(t.id)) {
			errors.push({ code: 'duplicate-id', message: `The id "${t.id}" is used by more than one trigger.`, triggerId: t.id, index });
		}
		seen.add(t.id);
	});
	return errors;
}

/** Replies typed one per line (the modal's text area): trimmed, blank lines dropped. */
export function parseResponsesText(text: string): string[] {
	return text
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line !== '');
}

/** Fills `{name}` and `{username}` in a reply; mass mentions are defused. */
export function renderReply(template: string, sender: ReplySender): string {
	const name = sender.name && sender.name.trim() !== '' ? sender.name.trim() : sender.username;
	const safeName = name.replace(/@/g, '@\u200b');
	return defuseMassMentions(template.replace(/\{(name|username)\}/g, (_, key: string) => (key === 'name' ? safeName : sender.username)));
}

/** `@all`, `@here`, `@everyone` (any case) as Rocket.Chat would read a mention: not followed by a username character. */
const MASS_MENTION = /@(all|here|everyone)(?![0-9A-Za-z_-])/gi;

/**
 * The text with every mass mention defused: a zero-width space after the `@`, so it reads the same but Rocket.Chat
 * does not notify the room. Mentions of single people (`@jane`, `@allison`) are kept.
 */
export function defuseMassMentions(text: string): string {
	return text.replace(MASS_MENTION, (_, word: string) => `@\u200b${word}`);
}

/**
 * One of the trigger's replies, picked with `random` (a function returning a number in [0, 1), like Math.random; out of
 * range values are clamped), rendered for the sender.
 */
export function pickReply(trigger: Pick<Trigger, 'responses'>, sender: ReplySender, random: () => number): string {
	const n = trigger.responses.length;
	if (n === 0) return '';
	const r = random();
	const index = Number.isFinite(r) ? Math.min(n - 1, Math.max(0, Math.floor(r * n))) : 0;
	return renderReply(trigger.responses[index], sender);
}
