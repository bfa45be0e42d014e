import { expect } from 'chai';
import fc from 'fast-check';

import { Harness, HttpResult } from './harness';

/**
 * The contract's error paths, for every operation of the OpenAPI description the app serves: each
 * must have a valid sample here (the test fails when a new operation has none, so no endpoint escapes
 * the loops below), and each sample must be accepted with a 2xx, so the refusals tested below are
 * refusals of requests that would otherwise pass.
 *
 * Samples run in this order (a group is put before it is read and deleted). `params` fill the path
 * template; the fuzz uses the same path, so a body's `externalId` matches the path's.
 */
interface Sample {
	params?: Record<string, string>;
	query?: string;
	body?: Record<string, unknown>;
	status: number;
}
const PERSON = { externalId: 'fd-1', firstName: 'Ada', lastName: 'Door', email: 'ada.door@example.org', emailVerified: true };
/** A role the system of record may assign (the `sync_assignable_roles` allowlist of this file's sandbox). */
const ROLE = 'fd-role';
const SAMPLES: Record<string, Sample> = {
	getOpenApi: { status: 200 },
	ping: { status: 200 },
	createLoginToken: { body: PERSON, status: 200 },
	getLeaderboard: { query: '?top=5&offset=0', status: 200 },
	getPoints: { params: { externalId: 'fd-1' }, status: 200 },
	replaceTriggers: { body: { triggers: [{ pattern: '^hello$', responses: ['hi'] }] }, status: 200 },
	getTriggers: { status: 200 },
	// The path names the person: `externalId` is optional in this body (and must equal the path when present).
	putPerson: {
		params: { externalId: 'fd-1' },
		body: { firstName: 'Ada', lastName: 'Door', email: 'ada.door@example.org', emailVerified: true },
		status: 202,
	},
	putGroup: {
		params: { key: 'fd-group' },
		body: { name: 'Front Door Group', members: [{ externalId: 'fd-1', role: 'leader' }] },
		status: 202,
	},
	getGroup: { params: { key: 'fd-group' }, status: 200 },
	putRole: { params: { roleName: ROLE }, body: { members: ['fd-1'] }, status: 202 },
	postSnapshot: {
		body: {
			people: [PERSON],
			groups: { 'fd-group': { name: 'Front Door Group', members: [{ externalId: 'fd-1' }] } },
			roles: { [ROLE]: ['fd-1'] },
		},
		status: 202,
	},
	runSync: { query: '?dryRun=true', status: 200 },
	deleteGroup: { params: { key: 'fd-group' }, status: 202 },
	getStatus: { status: 200 },
};

interface Operation {
	id: string;
	method: string;
	template: string;
	auth: boolean;
	hasBody: boolean;
}
interface OpenApiDoc {
	security?: unknown[];
	paths: Record<string, Record<string, { operationId: string; requestBody?: unknown; security?: unknown[] }>>;
}

function operationsOf(doc: OpenApiDoc): Operation[] {
	const ops: Operation[] = [];
	for (const [template, item] of Object.entries(doc.paths)) {
		for (const [method, op] of Object.entries(item)) {
			const security = op.security ?? doc.security ?? [];
			ops.push({ id: op.operationId, method: method.toUpperCase(), template, auth: security.length > 0, hasBody: !!op.requestBody });
		}
	}
	return ops;
}

/** The concrete path of an operation (without the leading slash), its template filled from the sample. */
function pathOf(op: Operation): string {
	const params = SAMPLES[op.id]?.params ?? {};
	return op.template.replace(/^\//, '').replace(/\{([^}]+)\}/g, (_, name: string) => {
		const value = params[name];
		if (value === undefined) throw new Error(`the sample of ${op.id} has no value for the path parameter ${name}`);
		return encodeURIComponent(value);
	});
}

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
		// Huge strings (under the body limit: the size check is tested on its own).
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

describe('external API front door: every operation of the OpenAPI description', function () {
	this.timeout(180_000);
	let h: Harness;
	let operations: Operation[];

	before(async () => {
		h = await Harness.start({ settings: { sync_assignable_roles: ROLE } });
		h.world.createRole(ROLE);
		const doc = await h.app<OpenApiDoc>('GET', 'openapi.json', undefined, { key: null });
		expect(doc.status).to.equal(200);
		operations = operationsOf(doc.body);
	});
	after(async () => {
		await h?.stop();
	});

	const call = (op: Operation, options: { key?: string | null; raw?: string; path?: string } = {}): Promise<HttpResult> => {
		const sample = SAMPLES[op.id];
		const body = options.raw === undefined && sample.body !== undefined ? sample.body : undefined;
		return h.app(op.method, options.path ?? `${pathOf(op)}${sample.query ?? ''}`, body, { key: options.key, raw: options.raw });
	};
	/** What a refused request must not have changed: the app's records, the accounts and the rooms. */
	const state = () => ({ records: h.world.persistence.size, users: h.world.users.size, rooms: h.world.rooms.size });

	it('has a valid sample for each operation, and each sample is accepted with its 2xx', async () => {
		expect(operations.length, 'operations in the description').to.be.greaterThan(10);
		expect(Object.keys(SAMPLES).sort(), 'one sample per operation, no stale one').to.deep.equal(operations.map((o) => o.id).sort());
		for (const id of Object.keys(SAMPLES)) {
			const op = operations.find((o) => o.id === id) as Operation;
			expect(Boolean(SAMPLES[id].body), `${id}: a sample body exactly when the operation takes one`).to.equal(op.hasBody);
			const res = await call(op);
			expect(res.status, `${op.method} ${pathOf(op)}: ${JSON.stringify(res.body)}`).to.equal(SAMPLES[id].status);
		}
		// Only the description is public.
		expect(operations.filter((o) => !o.auth).map((o) => o.id)).to.deep.equal(['getOpenApi']);
	});

	it('refuses a missing key and wrong keys with 401 and nothing else, on every operation, changing nothing', async () => {
		const key = h.info.apiKey;
		const before = state();
		for (const op of operations.filter((o) => o.auth)) {
			for (const wrong of [null, '', 'wrong-key', `${key}x`, key.slice(0, -1), key.toUpperCase()]) {
				const res = await call(op, { key: wrong });
				expect(res.status, `${op.id} with key ${JSON.stringify(wrong)}`).to.equal(401);
				expect(res.body, op.id).to.deep.equal({ error: 'unauthorized' });
			}
		}
		expect(state()).to.deep.equal(before);
	});

	it('accepts every configured key, for rotation', async () => {
		const old = 'old-key-0123456789abcdef-0123456789';
		await h.sandbox.configureApp({ api_keys: `${old}\n${h.info.apiKey}` });
		try {
			expect((await h.app('GET', 'ping', undefined, { key: old })).status).to.equal(200);
			expect((await h.app('GET', 'ping')).status).to.equal(200);
		} finally {
			await h.sandbox.configureApp({ api_keys: h.info.apiKey });
		}
		expect((await h.app('GET', 'ping', undefined, { key: old })).status).to.equal(401);
	});

	it('answers 405 with the allowed methods for every method a path does not serve', async () => {
		const byPath = new Map<string, Operation[]>();
		for (const op of operations) byPath.set(op.template, [...(byPath.get(op.template) ?? []), op]);
		for (const ops of byPath.values()) {
			const served = ops.map((o) => o.method);
			const path = pathOf(ops[0]);
			for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => !served.includes(m))) {
				const res = await h.app(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
				expect(res.status, `${method} ${path}`).to.equal(405);
				expect(res.body).to.deep.equal({ error: 'method-not-allowed' });
				expect(res.headers.allow?.split(', ').sort(), `${method} ${path}`).to.deep.equal([...served].sort());
			}
		}
	});

	it('answers 413 to a body one byte over the configured limit on every operation with a body, and accepts one at the limit', async () => {
		const limit = 1024;
		await h.sandbox.configureApp({ api_max_body_kb: 1 });
		try {
			for (const op of operations.filter((o) => o.hasBody)) {
				// The valid sample padded with JSON whitespace: still valid, exactly `size` bytes.
				const padded = (size: number) => {
					const json = JSON.stringify(SAMPLES[op.id].body);
					if (json.length > limit) throw new Error(`the sample of ${op.id} is over ${limit} bytes`);
					return json + ' '.repeat(size - json.length);
				};
				const before = state();
				const over = await call(op, { raw: padded(limit + 1) });
				expect(over.status, `${op.id} at ${limit + 1} bytes`).to.equal(413);
				expect(over.body).to.deep.equal({ error: 'payload-too-large', limit });
				expect(state(), op.id).to.deep.equal(before);
				const at = await call(op, { raw: padded(limit) });
				expect(at.status, `${op.id} at ${limit} bytes: ${JSON.stringify(at.body)}`).to.equal(SAMPLES[op.id].status);
			}
		} finally {
			await h.sandbox.configureApp({ api_max_body_kb: 1024 });
		}
	});

	it('answers 404 on unknown paths and on paths nested under every operation', async () => {
		for (const path of ['nope', 'pingx', 'groups', 'people', 'v2/ping', 'openapi']) {
			expect((await h.app('GET', path)).status, path).to.equal(404);
		}
		for (const op of operations) {
			const nested = `${pathOf(op)}/extra`;
			const res = await call(op, { path: nested });
			expect(res.status, `${op.method} ${nested}`).to.equal(404);
		}
		// Under a path parameter, the app itself answers with the contract's error.
		const res = await h.app('GET', 'groups/fd-group/members');
		expect(res.body).to.deep.equal({ error: 'not-found' });
	});

	it('answers 1,000 hostile bodies per operation with 4xx only, and changes nothing', async () => {
		// With the riskier settings on, so the checks behind them see the hostile bodies too.
		await h.sandbox.configureApp({ accounts_link_existing: true });
		try {
			await fuzzEveryBody();
		} finally {
			await h.sandbox.configureApp({ accounts_link_existing: false });
		}
	});

	const fuzzEveryBody = async () => {
		for (const op of operations.filter((o) => o.hasBody)) {
			const valid = SAMPLES[op.id].body as Record<string, unknown>;
			// The fuzz is not vacuous: the valid body on the same path passes.
			const control = await call(op);
			expect(control.status, `${op.id} control: ${JSON.stringify(control.body)}`).to.equal(SAMPLES[op.id].status);
			const before = state();
			const statuses = new Map<number, number>();
			const samples = fc.sample(hostile(valid), { numRuns: 1000 });
			for (let i = 0; i < samples.length; i += 25) {
				const batch = samples.slice(i, i + 25);
				const results = await Promise.all(batch.map((s) => call(op, { raw: s.raw })));
				results.forEach((r, j) => {
					statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
					if (r.status !== 400)
						throw new Error(`${op.id}: ${batch[j].kind} body answered ${r.status}: ${batch[j].raw.slice(0, 200)}`);
				});
			}
			expect([...statuses.keys()], `${op.id} statuses`).to.deep.equal([400]);
			expect(state(), op.id).to.deep.equal(before);
		}
	};

	it('refuses 1,000 roles outside the allowlist (PUT roles and snapshots) with 400 and stores nothing', async () => {
		await h.sandbox.configureApp({ sync_assignable_roles: `${ROLE}\nadmin\nbot` });
		try {
			const role = fc.oneof(
				fc.constantFrom('admin', 'bot', 'app', 'Admin', 'ADMIN', 'fd-Role', `${ROLE} `),
				// `.` and `..` are path segments, not names: the HTTP layer resolves them before the app.
				fc.stringMatching(/^[A-Za-z0-9._ -]{1,64}$/).filter((r) => r !== ROLE && !/^\.+$/.test(r)),
			);
			const samples = fc.sample(role, { numRuns: 1000 });
			const before = h.world.persistence.size;
			for (let i = 0; i < samples.length; i += 25) {
				const batch = samples.slice(i, i + 25);
				const results = await Promise.all(
					batch.map((r, k) =>
						k % 2 === 0
							? h.app('PUT', `roles/${encodeURIComponent(r)}`, { members: ['fd-1'] })
							: h.app('POST', 'snapshot', { ...SAMPLES.postSnapshot.body, roles: { [ROLE]: ['fd-1'], [r]: ['fd-1'] } }),
					),
				);
				results.forEach((res, k) => {
					if (res.status !== 400) throw new Error(`role ${JSON.stringify(batch[k])} answered ${res.status}`);
				});
			}
			expect(h.world.persistence.size).to.equal(before);
		} finally {
			await h.sandbox.configureApp({ sync_assignable_roles: ROLE });
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
		const configs = fc.sample(fc.record(Object.fromEntries(SECURITY_SETTINGS.map((id) => [id, value]))), { numRuns: 25 });
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
				sync_assignable_roles: ROLE,
				api_outbound_key: '',
				api_credential_secret: 'sandbox-credential-secret-0123456789',
				sync_feed_url: '',
				history_url: '',
				api_keys: h.info.apiKey,
			});
		}
	});

	it('changes nothing for a body nested deeper than the engine can pass to the app', async () => {
		// The engine's transport refuses the request before the app sees it, and logs why.
		h.expectErrors(/Too deep objects/);
		const before = state();
		const raw = JSON.stringify(PERSON).replace(/}$/, `,"x":${'['.repeat(500)}${']'.repeat(500)}}`);
		const res = await h.app('POST', 'sso/token', undefined, { raw });
		expect(res.status).to.be.at.least(400);
		expect(state()).to.deep.equal(before);
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

	it('refuses a query parameter outside its schema: dryRun=x, top=0', async () => {
		const before = state();
		const dry = await h.app<{ error: string; details: Array<{ field: string }> }>('POST', 'sync?dryRun=x');
		expect(dry.status).to.equal(400);
		expect(dry.body.details.map((d) => d.field)).to.deep.equal(['dryRun']);
		const top = await h.app<{ error: string; details: Array<{ field: string }> }>('GET', 'points?top=0');
		expect(top.status).to.equal(400);
		expect(top.body.details.map((d) => d.field)).to.deep.equal(['top']);
		expect(state()).to.deep.equal(before);
	});

	it('answers 502 sync-failed when the sync cannot start, and 503 busy when another snapshot holds the desired state', async () => {
		// Another snapshot is being stored (its lease is live): a second one waits its turn, then gives up with 503.
		// A claim as adapters/lease.ts inserts it, made 10 s ago by another instance (core/lease.ts: an older live claim holds).
		const claim = { id: '0-another-instance.1', job: 'sync-desired', at: Date.now() - 10_000, until: Date.now() + 60_000 };
		const lease = h.world.persistenceCreate(h.appId, claim, [
			{ model: 'misc', id: 'ri:job-lease' },
			{ model: 'misc', id: `ri:job-lease:${claim.id}` },
			{ model: 'misc', id: 'ri:job-lease#job:sync-desired' },
		]);
		const busy = h.app('POST', 'snapshot', SAMPLES.postSnapshot.body);
		try {
			// Meanwhile: no REST token, so the sync cannot read Rocket.Chat.
			await h.sandbox.configureApp({ rc_admin_token: '' });
			try {
				const failed = await h.app<{ error: string; reason: string }>('POST', 'sync');
				expect(failed.status).to.equal(502);
				expect(failed.body.error).to.equal('sync-failed');
				expect(failed.body.reason).to.be.a('string').and.not.equal('');
			} finally {
				await h.sandbox.configureApp({ rc_admin_token: h.info.admin.authToken });
			}
			const res = await busy;
			expect(res.status).to.equal(503);
			expect(res.body).to.deep.equal({ error: 'busy' });
		} finally {
			h.world.persistenceRemove(h.appId, lease);
		}
		expect((await h.app('POST', 'snapshot', SAMPLES.postSnapshot.body)).status).to.equal(202);
	});
});
