export interface RateLimitConfig {
	enabled: boolean;
	calls: number;
	windowMs: number;
}

/**
 * What happens to the REST calls themselves: a count per endpoint (for tests and benchmarks),
 * Rocket.Chat's rate limiter, and the failures tests inject.
 */
export class RestTraffic {
	rateLimit: RateLimitConfig = { enabled: false, calls: 10, windowMs: 60_000 };
	private readonly rateCounters = new Map<string, { windowStart: number; count: number }>();
	/** REST calls answered 429 by the rate limiter. */
	rateLimitedCalls = 0;
	/** Counts of REST calls by endpoint. */
	readonly restCalls = new Map<string, number>();
	/** Injected failures (tests): the next `count` calls of a REST endpoint answer `status`. */
	private readonly faults = new Map<string, { status: number; count: number }>();

	/** Counts a REST call; returns the wait in ms when the caller is over the limit. */
	countRestCall(endpoint: string): void {
		this.restCalls.set(endpoint, (this.restCalls.get(endpoint) ?? 0) + 1);
	}

	/**
	 * Counts a call of `endpoint` from `callerKey` against the limiter. `counted` is false when the
	 * limiter is off or the caller bypasses it; `limited` when the call is over the limit.
	 */
	rateLimitHit(
		endpoint: string,
		callerKey: string,
		bypass: boolean,
		count = true,
		now = Date.now(),
	): { counted: false; limited: false } | { counted: true; limited: boolean; resetAt: number; limit: number; remaining: number } {
		if (count) this.countRestCall(endpoint);
		if (!this.rateLimit.enabled || bypass) return { counted: false, limited: false };
		const key = `${endpoint}|${callerKey}`;
		let c = this.rateCounters.get(key);
		if (!c || now - c.windowStart >= this.rateLimit.windowMs) {
			c = { windowStart: now, count: 0 };
			this.rateCounters.set(key, c);
		}
		c.count++;
		const resetAt = c.windowStart + this.rateLimit.windowMs;
		const limit = this.rateLimit.calls;
		if (c.count > limit) {
			this.rateLimitedCalls++;
			return { counted: true, limited: true, resetAt, limit, remaining: 0 };
		}
		return { counted: true, limited: false, resetAt, limit, remaining: limit - c.count };
	}

	/** Makes the next `count` calls of `endpoint` (`groups.addLeader` or `/api/v1/groups.addLeader`) fail with `status`. */
	failNext(endpoint: string, status: number, count = 1): void {
		this.faults.set(endpoint.startsWith('/api/') ? endpoint : `/api/v1/${endpoint}`, { status, count });
	}

	/** The status an injected failure gives this call of `endpoint`, if one is pending (consumes it). */
	takeFault(endpoint: string): number | undefined {
		const f = this.faults.get(endpoint);
		if (!f || f.count <= 0) return undefined;
		f.count--;
		if (f.count === 0) this.faults.delete(endpoint);
		return f.status;
	}

	resetRateLimits(): void {
		this.rateCounters.clear();
	}
}
