/**
 * The sandbox's adversarial scheduling mode, for cluster tests: every call an engine instance makes
 * to the shared world (persistence, users, rooms, messages, scheduler), and every REST call the app
 * makes, waits a random time before it runs and again before its answer, so calls of two or three
 * instances interleave and reorder the way a loaded Rocket.Chat cluster lets them. Now and then a call
 * waits much longer (a spike), and now and then an instance turns slow for a few hundred milliseconds
 * (every call of it waits more), and some writes land late: a slow run and a fast run overlapping, and
 * a read that misses a write in flight, are where races live. Steps that a real
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
	/** Share of delays that are long ones (a GC pause, a slow query). */
	spikeRate?: number;
	/** Largest long delay (ms). */
	maxSpikeMs?: number;
	/** Chance, at each call of an instance, that the instance turns slow for a while (a busy server). */
	slowPhaseRate?: number;
	/** Longest slow phase (ms); every call of the instance waits up to `maxSlowDelayMs` more during it. */
	maxSlowPhaseMs?: number;
	maxSlowDelayMs?: number;
	/** Share of writes that land late (a slow write, a busy primary): they wait up to `maxWriteLagMs` more before they run. */
	writeLagRate?: number;
	maxWriteLagMs?: number;
}

const DEFAULTS = {
	maxDelayMs: 2,
	spikeRate: 0.03,
	maxSpikeMs: 30,
	slowPhaseRate: 0.01,
	maxSlowPhaseMs: 300,
	maxSlowDelayMs: 25,
	writeLagRate: 0.25,
	maxWriteLagMs: 20,
};

export class Adversary {
	readonly seed: number;
	private state: number;
	private readonly maxDelayMs: number;
	private readonly spikeRate: number;
	private readonly maxSpikeMs: number;
	private readonly slowPhaseRate: number;
	private readonly maxSlowPhaseMs: number;
	private readonly maxSlowDelayMs: number;
	private readonly writeLagRate: number;
	private readonly maxWriteLagMs: number;
	/** Until when each instance is slow (ms epoch). */
	private readonly slowUntil = new Map<number, number>();
	/** Pauses taken so far. */
	pauses = 0;
	/** While false, calls are not delayed (a test that measures something else under load). */
	active = true;

	constructor(options: AdversaryOptions) {
		this.seed = options.seed >>> 0;
		this.state = this.seed || 0x9e3779b9;
		this.maxDelayMs = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
		this.spikeRate = options.spikeRate ?? DEFAULTS.spikeRate;
		this.maxSpikeMs = options.maxSpikeMs ?? DEFAULTS.maxSpikeMs;
		this.slowPhaseRate = options.slowPhaseRate ?? DEFAULTS.slowPhaseRate;
		this.maxSlowPhaseMs = options.maxSlowPhaseMs ?? DEFAULTS.maxSlowPhaseMs;
		this.maxSlowDelayMs = options.maxSlowDelayMs ?? DEFAULTS.maxSlowDelayMs;
		this.writeLagRate = options.writeLagRate ?? DEFAULTS.writeLagRate;
		this.maxWriteLagMs = options.maxWriteLagMs ?? DEFAULTS.maxWriteLagMs;
	}

	/** mulberry32: a small, fast, seedable generator in [0, 1). */
	random(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** The next delay, in ms (0 means: let the event loop turn once), for a call of `instance` if known. */
	nextDelay(instance?: number, now = Date.now()): number {
		const spike = this.random() < this.spikeRate;
		let ms = Math.floor(this.random() * (spike ? this.maxSpikeMs : this.maxDelayMs + 1));
		if (instance !== undefined) {
			const until = this.slowUntil.get(instance) ?? 0;
			if (until > now) ms += Math.floor(this.random() * this.maxSlowDelayMs);
			else if (this.random() < this.slowPhaseRate)
				this.slowUntil.set(instance, now + Math.floor(this.random() * this.maxSlowPhaseMs));
		}
		return ms;
	}

	/** Waits the next delay (more for a write that lands late); other calls may run meanwhile. */
	pause(instance?: number, write = false): Promise<void> {
		if (!this.active) return Promise.resolve();
		this.pauses++;
		let ms = this.nextDelay(instance);
		if (write && this.random() < this.writeLagRate) ms += Math.floor(this.random() * this.maxWriteLagMs);
		return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
	}

	/** Runs `fn` between two pauses: a late start (later still for some writes), and a late answer. */
	async around<T>(fn: () => T | Promise<T>, instance?: number, write = false): Promise<T> {
		await this.pause(instance, write);
		try {
			return await fn();
		} finally {
			await this.pause(instance);
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
