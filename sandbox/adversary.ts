/**
 * The sandbox's adversarial scheduling mode, for cluster tests: every call an engine instance makes
 * to the shared world (persistence, users, rooms, messages, scheduler), and every REST call the app
 * makes, waits a random time before it runs and again before its answer, so calls of two or three
 * instances interleave and reorder the way a loaded Rocket.Chat cluster lets them. Steps that a real
 * server does in two moves also get a gap between the moves: an upsert of app persistence finds, then
 * writes (twin records), and `users.create` checks availability, then inserts (the unique index
 * refuses the second insert with a MongoDB duplicate key error).
 *
 * The delays come from a seeded generator, and the seed is printed when a sandbox starts in this mode:
 * `SANDBOX_SEED=<seed>` draws the same delays again. The operating system still schedules processes
 * its own way, so a replay repeats the delays, not necessarily every interleaving; a race that shows up
 * on most seeds is what the mode is for.
 */

export interface AdversaryOptions {
	seed: number;
	/** Largest ordinary delay (ms) before a call runs and before its answer. */
	maxDelayMs?: number;
	/** Share of delays that are long ones (a slow instance, a GC pause). */
	spikeRate?: number;
	/** Largest long delay (ms). */
	maxSpikeMs?: number;
}

const DEFAULTS = { maxDelayMs: 3, spikeRate: 0.04, maxSpikeMs: 25 };

export class Adversary {
	readonly seed: number;
	private state: number;
	private readonly maxDelayMs: number;
	private readonly spikeRate: number;
	private readonly maxSpikeMs: number;
	/** Pauses taken so far. */
	pauses = 0;

	constructor(options: AdversaryOptions) {
		this.seed = options.seed >>> 0;
		this.state = this.seed || 0x9e3779b9;
		this.maxDelayMs = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
		this.spikeRate = options.spikeRate ?? DEFAULTS.spikeRate;
		this.maxSpikeMs = options.maxSpikeMs ?? DEFAULTS.maxSpikeMs;
	}

	/** mulberry32: a small, fast, seedable generator in [0, 1). */
	random(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** The next delay, in ms (0 means: let the event loop turn once). */
	nextDelay(): number {
		const spike = this.random() < this.spikeRate;
		return Math.floor(this.random() * (spike ? this.maxSpikeMs : this.maxDelayMs + 1));
	}

	/** Waits the next delay; other calls may run meanwhile. */
	pause(): Promise<void> {
		this.pauses++;
		const ms = this.nextDelay();
		return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
	}

	/** Runs `fn` between two pauses: a late start, and a late answer. */
	async around<T>(fn: () => T | Promise<T>): Promise<T> {
		await this.pause();
		try {
			return await fn();
		} finally {
			await this.pause();
		}
	}
}

/** A seed from `SANDBOX_SEED`, else a fresh one. */
export function seedFromEnv(): number {
	const raw = process.env.SANDBOX_SEED;
	if (raw !== undefined && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw) >>> 0;
	return Math.floor(Math.random() * 2 ** 31);
}

/**
 * Whether a sandbox with `instances` engine instances runs adversarially: `SANDBOX_ADVERSARIAL=1`
 * or `0` decides; otherwise `fallback` (tests: on for clusters).
 */
export function adversarialFromEnv(fallback: boolean): boolean {
	const raw = process.env.SANDBOX_ADVERSARIAL;
	if (raw === '1' || raw === 'true') return true;
	if (raw === '0' || raw === 'false') return false;
	return fallback;
}
