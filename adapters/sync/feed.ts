import { IHttp } from '@rocket.chat/apps-engine/definition/accessors';

import { AppConfig } from '../../core/config';
import { describeErrors, validatorFor } from '../../endpoints/frontDoor';
import { snapshot as snapshotSchema } from '../../endpoints/schemas';
import { SnapshotBody } from './desiredStore';

export type FeedResult = { ok: true; snapshot: SnapshotBody } | { ok: false; error: string };

const FEED_TIMEOUT_MS = 15_000;

/**
 * GETs the pull feed with the outbound key and validates it with the `POST snapshot` schema. Any
 * failure (network, status, JSON, schema) is a plain reason without secrets; the caller then changes
 * nothing, so a broken or truncated feed never reaches the planner.
 */
export async function fetchFeed(http: IHttp, config: AppConfig): Promise<FeedResult> {
	const url = config.sync.feedUrl;
	if (!url) return { ok: false, error: 'no feed URL is set' };
	if (!config.api.outboundKey) return { ok: false, error: 'no outbound key is set' };
	let res;
	try {
		res = await http.get(url, {
			headers: { Authorization: `Bearer ${config.api.outboundKey}`, Accept: 'application/json' },
			timeout: FEED_TIMEOUT_MS,
		});
	} catch (err) {
		return {
			ok: false,
			error: `the feed could not be reached (${err instanceof Error ? err.message.slice(0, 200) : 'network error'})`,
		};
	}
	if (!res) return { ok: false, error: 'the feed could not be reached (no networking permission?)' };
	if (res.statusCode < 200 || res.statusCode >= 300) return { ok: false, error: `the feed answered HTTP ${res.statusCode}` };
	let body: unknown = res.data;
	if (body === undefined || body === null || typeof body !== 'object') {
		try {
			body = JSON.parse(res.content ?? '');
		} catch {
			return { ok: false, error: 'the feed did not answer valid JSON (truncated?)' };
		}
	}
	const validate = validatorFor(snapshotSchema);
	if (!validate(body)) {
		const details = describeErrors(validate.errors)
			.slice(0, 3)
			.map((d) => `${d.field} ${d.message}`)
			.join('; ');
		return { ok: false, error: `the feed does not match the snapshot schema: ${details}` };
	}
	return { ok: true, snapshot: body as SnapshotBody };
}
