/**
 * A small bidirectional RPC over a Node IPC channel (structured clone, so Dates, Maps and Buffers
 * cross as they are). The sandbox's main process owns the world; each engine instance runs in its
 * own child process and both sides call each other through this.
 */

export interface RpcCall {
	rpc: 'call';
	id: number;
	method: string;
	args: unknown[];
}

export interface RpcResult {
	rpc: 'result';
	id: number;
	ok: boolean;
	value?: unknown;
	error?: { message: string; name?: string; errorType?: string; reason?: string; status?: number; details?: unknown };
}

export type RpcMessage = RpcCall | RpcResult;

/** An error that crossed the channel; keeps Rocket.Chat's error type and status when there was one. */
export class RemoteError extends Error {
	constructor(
		message: string,
		readonly errorType?: string,
		readonly reason?: string,
		readonly status?: number,
		readonly details?: unknown,
	) {
		super(message);
		this.name = 'RemoteError';
	}
}

type Handler = (...args: never[]) => unknown;

export class Rpc {
	private seq = 0;
	private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
	private closed?: Error;

	constructor(
		private readonly send: (msg: RpcMessage) => void,
		private readonly resolveHandler: (method: string) => Handler | undefined,
	) {}

	call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
		if (this.closed) return Promise.reject(this.closed);
		const id = ++this.seq;
		return new Promise<T>((resolve, reject) => {
			this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			try {
				this.send({ rpc: 'call', id, method, args });
			} catch (err) {
				this.pending.delete(id);
				reject(err instanceof Error ? err : new Error(String(err)));
			}
		});
	}

	/** Feeds one incoming message; returns false when it is not an RPC message. */
	receive(msg: unknown): boolean {
		if (!msg || typeof msg !== 'object' || !('rpc' in msg)) return false;
		const m = msg as RpcMessage;
		if (m.rpc === 'result') {
			const p = this.pending.get(m.id);
			if (!p) return true;
			this.pending.delete(m.id);
			if (m.ok) p.resolve(m.value);
			else {
				const e = m.error ?? { message: 'unknown error' };
				p.reject(new RemoteError(e.message, e.errorType, e.reason, e.status, e.details));
			}
			return true;
		}
		void this.answer(m);
		return true;
	}

	private async answer(m: RpcCall): Promise<void> {
		let result: RpcResult;
		try {
			const handler = this.resolveHandler(m.method);
			if (!handler) throw new Error(`Unknown RPC method ${m.method}`);
			const value = await (handler as (...args: unknown[]) => unknown)(...m.args);
			result = { rpc: 'result', id: m.id, ok: true, value };
		} catch (err) {
			const e = err as Error & { errorType?: string; reason?: string; status?: number; details?: unknown };
			result = {
				rpc: 'result',
				id: m.id,
				ok: false,
				error: {
					message: e?.message ?? String(err),
					name: e?.name,
					errorType: e?.errorType,
					reason: e?.reason,
					status: e?.status,
					details: e?.details,
				},
			};
		}
		try {
			this.send(result);
		} catch {
			// The other side is gone; nothing to answer.
		}
	}

	/** Rejects every pending call (the other side exited). */
	close(err: Error): void {
		this.closed = err;
		for (const p of this.pending.values()) p.reject(err);
		this.pending.clear();
	}
}

/** A typed client: every method of T, called on the other side and answered asynchronously. */
export type Remote<T> = {
	[K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (...args: infer A) => infer R
		? (...args: A) => Promise<Awaited<R>>
		: never;
};

export function remote<T>(rpc: Rpc, prefix = ''): Remote<T> {
	return new Proxy({} as Remote<T>, {
		get(_target, prop) {
			if (typeof prop !== 'string' || prop === 'then') return undefined;
			return (...args: unknown[]) => rpc.call(prefix + prop, ...args);
		},
	});
}

/** Resolves handler names to the prototype methods of an object (never fields or inherited Object methods). */
export function methodsOf(target: object, prefix = ''): (method: string) => Handler | undefined {
	return (method: string) => {
		if (!method.startsWith(prefix)) return undefined;
		const name = method.slice(prefix.length);
		let proto = Object.getPrototypeOf(target) as object | null;
		while (proto && proto !== Object.prototype) {
			if (Object.prototype.hasOwnProperty.call(proto, name) && name !== 'constructor') {
				const fn = (target as Record<string, unknown>)[name];
				return typeof fn === 'function' ? (fn.bind(target) as Handler) : undefined;
			}
			proto = Object.getPrototypeOf(proto) as object | null;
		}
		return undefined;
	};
}

/**
 * Wraps a handler resolver so the calls `when` selects run between two pauses of `adversary` (for
 * `instance`); `isWrite` tells the writes apart (some of them land late).
 */
export function delayed(
	resolve: (method: string) => Handler | undefined,
	adversary: { around<T>(fn: () => T | Promise<T>, instance?: number, write?: boolean): Promise<T> },
	when: (method: string) => boolean,
	instance?: number,
	isWrite: (method: string) => boolean = () => false,
): (method: string) => Handler | undefined {
	return (method: string) => {
		const handler = resolve(method);
		if (!handler || !when(method)) return handler;
		return (...args: unknown[]) =>
			adversary.around(() => (handler as (...a: unknown[]) => unknown)(...args), instance, isWrite(method));
	};
}
