import { IHttp } from '@rocket.chat/apps-engine/definition/accessors';

import { parseRetryAfter } from '../../core/history/backoff';
import { HistoryEntry } from '../../core/history/types';

/** One delivery's outcome. Errors say what happened without the key or the body. */
export type DeliveryResult =
	| { ok: true; status: number }
	| { ok: false; kind: 'status'; status: number; retryAfterMs?: number; error: string }
	| { ok: false; kind: 'timeout' | 'network'; error: string };

/** Longest a delivery may take: well inside a run's budget. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * The system of record's chat-history receiver: POSTs `{"messages": [...]}` to the configured URL
 * with the outbound key as bearer. A 2xx acknowledges the batch; anything else is a typed failure.
 */
export class HistoryClient {
	constructor(
		private readonly http: IHttp,
		private readonly url: string,
		private readonly key: string,
		private readonly timeoutMs = DELIVERY_TIMEOUT_MS,
	) {}

	async deliver(messages: ReadonlyArray<HistoryEntry>, now = Date.now()): Promise<DeliveryResult> {
		let status: number;
		let retryAfter: string | undefined;
		try {
			const res = await this.http.post(this.url, {
				headers: { Authorization: `Bearer ${this.key}`, 'Content-Type': 'application/json', Accept: 'application/json' },
				content: JSON.stringify({ messages }),
				timeout: this.timeoutMs,
			});
			status = res.statusCode;
			retryAfter = headerValue(res.headers, 'retry-after');
		} catch (err) {
			const text = err instanceof Error ? err.message : String(err);
			if (/time(d)?\s?out|ETIMEDOUT|ESOCKETTIMEDOUT|aborted/i.test(text))
				return { ok: false, kind: 'timeout', error: `timeout after ${this.timeoutMs} ms` };
			return { ok: false, kind: 'network', error: `network error: ${networkReason(text)}` };
		}
		if (status >= 200 && status < 300) return { ok: true, status };
		const retryAfterMs = parseRetryAfter(retryAfter, now);
		const result: DeliveryResult = { ok: false, kind: 'status', status, error: `HTTP ${status}` };
		if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
		return result;
	}
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return String(v);
	return undefined;
}

/** The error code of a network failure (ECONNREFUSED, ECONNRESET...), never the URL or headers. */
function networkReason(text: string): string {
	const code = /\b(E[A-Z]{3,}|socket hang up|connection (?:refused|reset|closed))\b/i.exec(text);
	return code ? code[1] : 'connection failed';
}
