import { IHttp } from '@rocket.chat/apps-engine/definition/accessors';

import { AppConfig } from '../../core/config';
import { refusedRoles, roleRefusalText } from '../../core/security/roles';
import { validatorFor } from '../../contract/validate';
import { snapshot as snapshotSchema } from '../../contract/schemas';
import { SnapshotBody } from './desiredStore';

/**
 * Why a feed was not used, as a stable code: what `status` shows. The upstream answer (its body, a
 * network library's message) never goes into it; `detail` is the app's own sentence for the log.
 */
export type FeedErrorCode =
	| 'feed-no-url'
	| 'feed-no-outbound-key'
	| 'feed-unreachable'
	| 'feed-timeout'
	| `feed-http-${number}`
	| 'feed-invalid-json'
	| 'feed-invalid-snapshot'
	| 'feed-role-not-assignable';

export type FeedResult = { ok: true; snapshot: SnapshotBody } | { ok: false; error: FeedErrorCode; detail: string };

const FEED_TIMEOUT_MS = 15_000;

/**
 * GETs the pull feed with the outbound key and validates it with the `POST snapshot` schema and the
 * roles allowlist. Any failure (network, status, JSON, schema, a role the sync may not assign) is an
 * error code and a plain reason without secrets; the caller then changes nothing, so a broken,
 * truncated or overreaching feed never reaches the planner.
 */
export async function fetchFeed(http: IHttp, config: AppConfig): Promise<FeedResult> {
	const url = config.sync.feedUrl;
	if (!url) return { ok: false, error: 'feed-no-url', detail: 'no feed URL is set' };
	if (!config.api.outboundKey) return { ok: false, error: 'feed-no-outbound-key', detail: 'no outbound key is set' };
	let res;
	try {
		res = await http.get(url, {
			headers: { Authorization: `Bearer ${config.api.outboundKey}`, Accept: 'application/json' },
			timeout: FEED_TIMEOUT_MS,
		});
	} catch (err) {
		const timeout = /time(d)?\s?out|ETIMEDOUT|aborted/i.test(err instanceof Error ? err.message : String(err));
		return timeout
			? { ok: false, error: 'feed-timeout', detail: `the feed did not answer within ${FEED_TIMEOUT_MS / 1000} s` }
			: { ok: false, error: 'feed-unreachable', detail: 'the feed could not be reached (network error)' };
	}
	if (!res) return { ok: false, error: 'feed-unreachable', detail: 'the feed could not be reached (no networking permission?)' };
	if (res.statusCode < 200 || res.statusCode >= 300)
		return { ok: false, error: `feed-http-${res.statusCode}`, detail: `the feed answered HTTP ${res.statusCode}` };
	let body: unknown = res.data;
	if (body === undefined || body === null || typeof body !== 'object') {
		try {
			body = JSON.parse(res.content ?? '');
		} catch {
			return { ok: false, error: 'feed-invalid-json', detail: 'the feed did not answer valid JSON (truncated?)' };
		}
	}
	const validate = validatorFor(snapshotSchema);
	if (!validate(body)) {
		// The schema's own paths only: the feed's field names and values are its text, not ours.
		const rules = [...new Set((validate.errors ?? []).map((e) => e.schemaPath))].slice(0, 3).join(', ');
		return {
			ok: false,
			error: 'feed-invalid-snapshot',
			detail: `the feed does not match the snapshot schema (${validate.errors?.length ?? 0} problems; rules ${rules})`,
		};
	}
	const snapshot = body as SnapshotBody;
	const refused = refusedRoles(Object.keys(snapshot.roles ?? {}), config.sync.assignableRoles);
	if (refused.length > 0) {
		const never = refused.filter((r) => r.reason === 'never-assignable').map((r) => r.role);
		return {
			ok: false,
			error: 'feed-role-not-assignable',
			detail:
				`the feed names ${refused.length} role(s) the sync may not assign` +
				(never.length > 0 ? ` (${never.join(', ')} ${roleRefusalText('never-assignable')})` : ' (not in the allowlist setting)'),
		};
	}
	return { ok: true, snapshot };
}
