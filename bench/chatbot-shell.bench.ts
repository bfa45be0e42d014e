/**
 * Chatbot benchmarks at handler level: the reactors themselves (features/chatbot/pointsReactor.ts, features/chatbot/triggerReactor.ts)
 * called with a message, the app's config and in-process accessors (an in-memory persistence that answers at once),
 * so the figures are the handler's own work per message without the RPC latency of a real server.
 * (a) points: the reactor on messages without points vs one precompiled native RegExp test (target: ratio <= 2);
 * (b) triggers: the reactor on the hostile `(a+)+$` message inside a 1,000-trigger set, the compiled matcher cached
 *     (target: under 1,000 us); baseline: the same reactor on an ordinary chat message.
 */
import type { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import type { RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

import { currentMatcher, matcherCompilations } from '../features/chatbot/triggerSet';
import { TriggerSetRepository } from '../adapters/persistence/TriggerSetRepository';
import { readConfig } from '../core/config';
import { parsePoints } from '../core/chatbot/points';
import { handlePoints } from '../features/chatbot/pointsReactor';
import type { MessageEventContext } from '../features/messageReactor';
import { handleTriggers } from '../features/chatbot/triggerReactor';
import { makeCorpus } from './chatbot.bench';
import { Benchmark, median, timeBoth } from './harness';

/** An in-memory app persistence answering by associations, as the engine does (no latency). */
class MemoryPersistence {
	private readonly records: Array<{ data: object; keys: string[] }> = [];

	private static ids(assocs: RocketChatAssociationRecord | RocketChatAssociationRecord[]): string[] {
		return (Array.isArray(assocs) ? assocs : [assocs]).map((a) => `${a.getModel()}:${a.getID()}`);
	}

	reader() {
		return {
			readByAssociations: async (assocs: RocketChatAssociationRecord[]) => {
				const want = MemoryPersistence.ids(assocs);
				return this.records.filter((r) => want.every((k) => r.keys.includes(k))).map((r) => r.data);
			},
			readByAssociation: async (assoc: RocketChatAssociationRecord) => this.reader().readByAssociations([assoc]),
		};
	}

	writer() {
		return {
			createWithAssociations: async (data: object, assocs: RocketChatAssociationRecord[]) => {
				this.records.push({ data: structuredClone(data), keys: MemoryPersistence.ids(assocs) });
				return String(this.records.length);
			},
			updateByAssociations: async (assocs: RocketChatAssociationRecord[], data: object) => {
				const want = MemoryPersistence.ids(assocs);
				const found = this.records.find((r) => want.every((k) => r.keys.includes(k)));
				if (found) found.data = structuredClone(data);
				else this.records.push({ data: structuredClone(data), keys: want });
				return 'id';
			},
		};
	}
}

function contextFor(persistence: MemoryPersistence): (message: IMessage) => MessageEventContext {
	const { config } = readConfig({});
	const read = { getPersistenceReader: () => persistence.reader() };
	const persis = persistence.writer();
	return (message) => ({ message, config, read, persis, modify: {}, http: {}, app: {} }) as unknown as MessageEventContext;
}

function messageOf(text: string, i: number): IMessage {
	return {
		id: `m${i}`,
		text,
		createdAt: new Date(),
		room: { id: 'r1', type: 'c' },
		sender: { id: 'u1', username: 'bob', name: 'Bob', type: 'user' },
	} as unknown as IMessage;
}

export const benchmarks: Benchmark[] = [
	{
		name: 'chatbot shell: points reactor on messages without points, per message',
		unit: 'us',
		baselineIs: 'one precompiled native RegExp test',
		target: { on: 'ratio', direction: '<=', full: 2, smoke: 2 },
		async run({ smoke }) {
			const { messages } = makeCorpus(7, 0, smoke ? 3000 : 5000);
			const plain = messages.filter((m) => parsePoints(m).length === 0);
			const ctxOf = contextFor(new MemoryPersistence());
			const contexts = plain.map((m, i) => ctxOf(messageOf(m, i)));
			const re = /@[A-Za-z0-9._-]+[ \t]*(?:\+\+|--|[\u2013\u2014])/;
			// A message without points leaves the reactor before its first await: the call is the handler's whole work.
			for (const c of contexts) await handlePoints(c);
			const all = (fn: (i: number) => unknown) => () => {
				for (let i = 0; i < contexts.length; i++) fn(i);
			};
			const [value, baseline] = timeBoth(
				all((i) => void handlePoints(contexts[i])),
				all((i) => re.test(plain[i])),
				{ rounds: 25, warmup: 3 },
			).map((us) => us / contexts.length);
			return { value, baseline, details: { messages: plain.length } };
		},
	},
	{
		name: 'chatbot shell: trigger reactor on the hostile (a+)+$ message, 1,000 triggers',
		unit: 'us',
		baselineIs: 'the same reactor on ordinary messages',
		target: { on: 'value', direction: '<=', full: 1000, smoke: 1000 },
		async run({ smoke }) {
			const persistence = new MemoryPersistence();
			const ctxOf = contextFor(persistence);
			const { triggers, messages } = makeCorpus();
			const set = [...triggers.slice(0, 999), { id: 'hostile', pattern: '(a+)+$', responses: ['x'], enabled: true }];
			// Stored as the app stores it (set, then head), then compiled once on the first message.
			await new TriggerSetRepository().save(persistence.writer() as never, persistence.reader() as never, set, 'bench');
			const compileStart = process.hrtime.bigint();
			await currentMatcher(persistence.reader() as never);
			const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
			const compiled = matcherCompilations();

			const hostile = ctxOf(messageOf(`${'a'.repeat(30)}!`, 1));
			const ordinary = messages.filter((m) => !/^a+$/i.test(m)).slice(0, 200);
			const { matcher } = await currentMatcher(persistence.reader() as never);
			const quiet = ordinary.filter((m) => matcher.first(m) === undefined).map((m, i) => ctxOf(messageOf(m, i + 2)));
			const samples = async (ctx: MessageEventContext, n: number): Promise<number[]> => {
				const out: number[] = [];
				for (let i = 0; i < n; i++) {
					const t0 = process.hrtime.bigint();
					await handleTriggers(ctx);
					out.push(Number(process.hrtime.bigint() - t0) / 1000);
				}
				return out;
			};
			await samples(hostile, 200);
			const hostileUs = await samples(hostile, smoke ? 500 : 2000);
			const ordinaryUs: number[] = [];
			for (const c of quiet) ordinaryUs.push(...(await samples(c, 5)));
			const sorted = [...hostileUs].sort((a, b) => a - b);
			return {
				value: median(hostileUs),
				baseline: median(ordinaryUs),
				checks: { matcherCompiledOnce: matcherCompilations() - compiled === 0 },
				details: {
					hostileP99Us: Number(sorted[Math.floor(sorted.length * 0.99)].toFixed(1)),
					hostileMaxUs: Number(sorted[sorted.length - 1].toFixed(1)),
					ordinaryMessages: quiet.length,
					compileMs: Number(compileMs.toFixed(1)),
					recompilationsDuringRuns: matcherCompilations() - compiled,
				},
			};
		},
	},
];
