import { expect } from 'chai';
import fc from 'fast-check';

import { Harness } from './harness';

/**
 * A valid body for every operation that takes one, by operationId. The test fails when an
 * operation of the OpenAPI description has no sample here, so no endpoint escapes it.
 */
const ADA = { externalId: 'fd-1', firstName: 'Ada', lastName: 'Door', email: 'ada.door@example.org', emailVerified: true };
const VALID: Record<string, unknown> = {
	createLoginToken: ADA,
	replaceTriggers: { triggers: [{ pattern: '^hello$', responses: ['hi'] }] },
	putGroup: { name: 'Front Door Group', members: [{ externalId: 'fd-1', role: 'leader' }] },
	putRole: { members: ['fd-1'] },
	// The path names the person: `externalId` is optional in this body (and must equal the path when present).
	putPerson: { firstName: 'Ada', lastName: 'Door', email: 'ada.door@example.org', emailVerified: true },
	postSnapshot: { people: [ADA], groups: {}, roles: { 'fd-key': ['fd-1'] } },
};

/** The settings the security rules added, with the values an admin might get wrong. */
const SECURITY_SETTINGS = [
	'rc_rest_url',
	'accounts_link_existing',
	'accounts_privileged_roles',
	'sync_assignable_roles',
	'api_outbound_key',
	'api_credential_secret',
	'sync_feed_url',
	'history_url',
] as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function jsonType(v: unknown): string {
	return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Optional fields of the samples: leaving one out keeps a body valid. */
const OPTIONAL = new Set(['emailVerified', 'roles']);

/** Hostile variants of a valid body: each is invalid by construction. */
function hostile(valid: Record<string, unknown>): fc.Arbitrary<{ kind: string; raw: string }> {
	const keys = Object.keys(valid);
	const key = fc.constantFrom(...keys);
	const required = fc.constantFrom(...keys.filter((k) => !OPTIONAL.has(k)));
	const wrongType = fc.oneof(
		fc.integer(),
		fc.boolean(),
		fc.constant(null),
		fc.array(fc.integer(), { maxLength: 3 }),
		fc.object({ maxDepth: 1 }),
	);
	// The engine's transport to the app (msgpack) refuses messages nested deeper than 100 levels,
	// counting its own envelope (about 6 levels), before the app sees the request; Rocket.Chat fails
	// those the same way. Within that depth the app must answer 400.
	const deep = fc.integer({ min: 20, max: 85 }).map((n) => '['.repeat(n) + ']'.repeat(n));
	return fc.oneof(
		// A field of the wrong JSON type.
		fc
			.tuple(key, wrongType)
			.filter(([k, v]) => jsonType(v) !== jsonType(valid[k]))
			.map(([k, v]) => ({ kind: 'wrong-type', raw: JSON.stringify({ ...valid, [k]: v }) })),
		// A required field missing.
		required.map((k) => {
			const copy: Record<string, unknown> = { ...valid };
			delete copy[k];
			return { kind: 'missing', raw: JSON.stringify(copy) };
		}),
		// An extra field.
		fc
			.tuple(
				fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !keys.includes(k) && k !== '__proto__'),
				fc.jsonValue(),
			)
			.map(([k, v]) => ({
				kind: 'extra',
				raw: JSON.stringify({ ...valid, [k]: v as Json }),
			})),
		// Huge strings.
		fc
			.tuple(key, fc.integer({ min: 5_000, max: 200_000 }))
			.map(([k, n]) => ({ kind: 'huge', raw: JSON.stringify({ ...valid, [k]: 'x'.repeat(n) }) })),
		// Deep nesting in a field and as the whole body.
		fc.tuple(key, deep).map(([k, d]) => ({ kind: 'deep', raw: JSON.stringify({ ...valid }).replace(/}$/, `,"${k}_deep":${d}}`) })),
		deep.map((d) => ({ kind: 'deep-body', raw: d })),
		// Not an object, or not JSON at all.
		fc
			.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 }))
			.map((v) => ({ kind: 'not-object', raw: JSON.stringify(v) })),
		fc.string({ minLength: 1, maxLength: 50 }).map((s) => ({ kind: 'malformed', raw: `{${s}` })),
	);
}

describe('external API front door', function () {
	this.timeout(180_000);
	let h: Harness;

	before(async () => {
		h = await Harness.start();
	});
	after(async () => {
		await h?.stop();
	});

	it('refuses a missing or wrong key with 401 and nothing else', async () => {
		for (const key of [null, '', 'wrong-key', `${h.info.apiKey}x`, h.info.apiKey.slice(0, -1)]) {
			const res = await h.app('POST', 'sso/token', VALID.createLoginToken, { key });
			expect(res.status).to.equal(401);
			expect(res.body).to.deep.equal({ error: 'unauthorized' });
		}
		expect((await h.app('GET', 'ping')).status).to.equal(200);
	});

	it('accepts every configured key, for rotation', async () => {
		await h.sandbox.configureApp({ api_keys: `old-key-0123456789abcdef-0123456789\n${h.info.apiKey}` });
		try {
			expect((await h.app('GET', 'ping', undefined, { key: 'old-key-0123456789abcdef-0123456789' })).status).to.equal(200);
			expect((await h.app('GET', 'ping')).status).to.equal(200);
		} finally {
			await h.sandbox.configureApp({ api_keys: h.info.apiKey });
		}
	});

	it('answers 413 for a body over the configured limit', async () => {
		await h.sandbox.configureApp({ api_max_body_kb: 1 });
		try {
			const res = await h.app('POST', 'sso/token', { ...(VALID.createLoginToken as object), nickName: 'n'.repeat(2000) });
			expect(res.status).to.equal(413);
			expect(res.body).to.include({ error: 'payload-too-large' });
		} finally {
			await h.sandbox.configureApp({ api_max_body_kb: 1024 });
		}
	});

	it('answers 1,000 hostile bodies per endpoint with 4xx only, and changes nothing', async () => {
		// With the riskier settings on, so the checks behind them see the hostile bodies too.
		await h.sandbox.configureApp({ accounts_link_existing: true, sync_assignable_roles: 'fd-key' });
		const doc = await h.app<{
			paths: Record<
				string,
				Record<string, { operationId: string; requestBody?: unknown; security?: Array<Record<string, unknown>> }>
			>;
		}>('GET', 'openapi.json', undefined, { key: null });
		const operations: Array<{ path: string; method: string; id: string }> = [];
		for (const [path, item] of Object.entries(doc.body.paths)) {
			for (const [method, op] of Object.entries(item)) {
				// The SCIM paths have their own front door (SCIM tokens, RFC 7644 errors): scim-lifecycle.test.ts.
				if (op.security?.some((s) => 'scimToken' in s)) continue;
				if (op.requestBody) operations.push({ path, method, id: op.operationId });
			}
		}
		expect(operations.map((o) => o.id)).to.include('createLoginToken');
		const persisted = () => h.world.persistence.size;
		const users = () => h.world.users.size;
		for (const op of operations) {
			expect(VALID, `a valid sample body for ${op.id}`).to.have.property(op.id);
			const path = op.path.replace(/^\//, '').replace(/\{[^}]+\}/g, 'fd-key');
			const before = { persisted: persisted(), users: users(), rooms: h.world.rooms.size };
			const statuses = new Map<number, number>();
			const samples = fc.sample(hostile(VALID[op.id] as Record<string, unknown>), { numRuns: 1000, seed: 4242 });
			for (let i = 0; i < samples.length; i += 25) {
				const batch = samples.slice(i, i + 25);
				const results = await Promise.all(batch.map((s) => h.app(op.method.toUpperCase(), path, undefined, { raw: s.raw })));
				results.forEach((r, j) => {
					statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
					if (r.status < 400 || r.status >= 500)
						throw new Error(`${op.id}: ${batch[j].kind} body answered ${r.status}: ${batch[j].raw.slice(0, 200)}`);
				});
			}
			expect(
				[...statuses.keys()].every((s) => s === 400 || s === 413),
				`${op.id} statuses ${JSON.stringify([...statuses])}`,
			).to.equal(true);
			expect({ persisted: persisted(), users: users(), rooms: h.world.rooms.size }, op.id).to.deep.equal(before);
		}
		await h.sandbox.configureApp({ accounts_link_existing: false, sync_assignable_roles: '' });
	});

	it('refuses 1,000 roles outside the allowlist (PUT roles and snapshots) with 400 and stores nothing', async () => {
		await h.sandbox.configureApp({ sync_assignable_roles: 'fd-key\nadmin\nbot' });
		try {
			const role = fc.oneof(
				fc.constantFrom('admin', 'bot', 'app', 'Admin', 'ADMIN', 'fd-Key', 'fd-key '),
				// `.` and `..` are path segments, not names: the HTTP layer resolves them before the app.
				fc.stringMatching(/^[A-Za-z0-9._ -]{1,64}$/).filter((r) => r !== 'fd-key' && !/^\.+$/.test(r)),
			);
			const samples = fc.sample(role, { numRuns: 1000, seed: 1111 });
			const before = h.world.persistence.size;
			for (let i = 0; i < samples.length; i += 25) {
				const batch = samples.slice(i, i + 25);
				const results = await Promise.all(
					batch.map((r, k) =>
						k % 2 === 0
							? h.app('PUT', `roles/${encodeURIComponent(r)}`, { members: ['fd-1'] })
							: h.app('POST', 'snapshot', {
									...(VALID.postSnapshot as object),
									roles: { 'fd-key': ['fd-1'], [r]: ['fd-1'] },
								}),
					),
				);
				results.forEach((res, k) => {
					if (res.status !== 400) throw new Error(`role ${JSON.stringify(batch[k])} answered ${res.status}`);
				});
			}
			expect(h.world.persistence.size).to.equal(before);
		} finally {
			await h.sandbox.configureApp({ sync_assignable_roles: '' });
		}
	});

	it('stays safe whatever the security settings hold: admin, bot and app are never assignable, short keys never accepted', async () => {
		const value = fc.oneof(
			fc.string({ maxLength: 80 }),
			fc.constantFrom(
				'admin',
				'admin\nbot\napp',
				' admin ,editor',
				'http://10.0.0.1/x',
				'https://ok.example.org',
				'true',
				'false',
				'',
			),
			fc.boolean(),
			fc.integer(),
		);
		const configs = fc.sample(fc.record(Object.fromEntries(SECURITY_SETTINGS.map((id) => [id, value]))), { numRuns: 25, seed: 2222 });
		const short = 'short-key-0123456789';
		try {
			for (const config of configs) {
				await h.sandbox.configureApp({ ...config, api_keys: `${h.info.apiKey}\n${short}` });
				for (const r of ['admin', 'bot', 'app'])
					expect((await h.app('PUT', `roles/${r}`, { members: ['fd-1'] })).status, r).to.equal(400);
				expect((await h.app('GET', 'ping', undefined, { key: short })).status).to.equal(401);
				expect((await h.app('GET', 'ping')).status).to.equal(200);
			}
		} finally {
			await h.sandbox.configureApp({
				rc_rest_url: '',
				accounts_link_existing: false,
				accounts_privileged_roles: 'admin',
				sync_assignable_roles: '',
				api_outbound_key: '',
				api_credential_secret: 'sandbox-credential-secret-0123456789',
				sync_feed_url: '',
				history_url: '',
				api_keys: h.info.apiKey,
			});
		}
	});

	it('changes nothing for a body nested deeper than the engine can pass to the app', async () => {
		const before = { persisted: h.world.persistence.size, users: h.world.users.size };
		const raw = JSON.stringify(VALID.createLoginToken).replace(/}$/, `,"x":${'['.repeat(500)}${']'.repeat(500)}}`);
		const res = await h.app('POST', 'sso/token', undefined, { raw });
		expect(res.status).to.be.at.least(400);
		expect({ persisted: h.world.persistence.size, users: h.world.users.size }).to.deep.equal(before);
	});

	it('names the offending fields in a 400', async () => {
		const res = await h.app<{ error: string; details: Array<{ field: string }> }>('POST', 'sso/token', {
			externalId: '',
			firstName: 3,
			email: 'nope',
			extra: 1,
		});
		expect(res.status).to.equal(400);
		expect(res.body.error).to.equal('invalid-request');
		const fields = res.body.details.map((d) => d.field);
		expect(fields).to.include.members(['externalId', 'firstName', 'lastName', 'email', 'extra']);
	});
});
