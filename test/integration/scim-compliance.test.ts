/**
 * An RFC 7643 / 7644 compliance check of a SCIM 2.0 service provider, written from the RFCs alone: it
 * talks HTTP to a base URL with a bearer token and knows nothing of how the provider is built. Against
 * any server: SCIM_COMPLIANCE_URL=<base ending in /scim/v2> SCIM_COMPLIANCE_TOKEN=<token>. Without them
 * it starts the `npm start` sandbox and checks the app's SCIM API there.
 *
 * It creates its own Users and Groups (unique names) and deletes them at the end.
 */
import { expect } from 'chai';

import { httpRequest } from '../../sandbox/http-client';
import { Harness } from './harness';

type Json = Record<string, unknown>;

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SPC = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

interface Res {
	status: number;
	/** Lower-case names. */
	headers: Record<string, string>;
	body: Json;
}

describe('SCIM 2.0 compliance (RFC 7643 / 7644), black box', function () {
	this.timeout(60_000);
	let sandbox: Harness | undefined;
	let base: string;
	let token: string;
	let config: Json;
	const run = `c${Date.now().toString(36)}`;
	const cleanup: string[] = [];

	async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, auth = true): Promise<Res> {
		const h: Record<string, string> = { Accept: 'application/scim+json', ...headers };
		if (auth) h.Authorization = `Bearer ${token}`;
		// Rocket.Chat parses application/json bodies for apps (RFC 7644 §3.1 allows it alongside scim+json).
		if (body !== undefined) h['Content-Type'] ??= 'application/json';
		const res = await httpRequest(new URL(`${base}/${path}`), method, h, body === undefined ? undefined : JSON.stringify(body), 30_000);
		const headersOut: Record<string, string> = {};
		for (const [k, v] of Object.entries(res.headers)) headersOut[k.toLowerCase()] = v;
		let parsed: Json = {};
		if (res.body.trim() !== '') parsed = JSON.parse(res.body) as Json;
		return { status: res.status, headers: headersOut, body: parsed };
	}

	function expectError(res: Res, status: number, scimType?: string): void {
		expect(res.status, JSON.stringify(res.body)).to.equal(status);
		expect(res.body.schemas).to.deep.equal([ERROR]);
		expect(res.body.status, 'RFC 7644 §3.12: status is a string').to.equal(String(status));
		if (scimType) expect(res.body.scimType).to.equal(scimType);
	}

	function expectList(res: Res): Json[] {
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		expect(res.body.schemas).to.deep.equal([LIST]);
		expect(res.body.totalResults).to.be.a('number');
		const resources = (res.body.Resources ?? []) as Json[];
		expect(resources).to.be.an('array');
		if (resources.length > 0) {
			expect(res.body.startIndex).to.be.a('number');
			expect(res.body.itemsPerPage).to.equal(resources.length);
		}
		return resources;
	}

	const newUser = (n: number, extra: Json = {}): Json => ({
		schemas: [USER],
		userName: `${run}.user${n}@example.org`,
		externalId: `${run}-x${n}`,
		name: { givenName: `Given${n}`, familyName: `Family${n}` },
		emails: [{ value: `${run}.user${n}@example.org`, type: 'work', primary: true }],
		active: true,
		...extra,
	});

	before(async () => {
		if (process.env.SCIM_COMPLIANCE_URL && process.env.SCIM_COMPLIANCE_TOKEN) {
			base = process.env.SCIM_COMPLIANCE_URL.replace(/\/+$/, '');
			token = process.env.SCIM_COMPLIANCE_TOKEN;
		} else {
			sandbox = await Harness.start();
			base = `${sandbox.url}/api/apps/public/${sandbox.appId}/scim/v2`;
			token = sandbox.info.scimToken;
		}
	});
	after(async () => {
		for (const path of cleanup.reverse()) await call('DELETE', path).catch(() => undefined);
		await sandbox?.stop();
	});

	describe('authentication (RFC 7644 §2)', () => {
		it('refuses a request without a token, and one with a wrong token, with 401 and the error schema', async () => {
			expectError(await call('GET', 'Users', undefined, {}, false), 401);
			expectError(await call('GET', 'Users', undefined, { Authorization: 'Bearer wrong-token-0123456789abcdefghijkl' }, false), 401);
		});
	});

	describe('discovery (RFC 7644 §4)', () => {
		it('ServiceProviderConfig describes every feature with a supported flag and the authentication scheme', async () => {
			const res = await call('GET', 'ServiceProviderConfig');
			expect(res.status).to.equal(200);
			expect(res.headers['content-type']).to.match(/^application\/scim\+json/);
			config = res.body;
			expect(config.schemas).to.include(SPC);
			for (const feature of ['patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag'])
				expect((config[feature] as Json).supported, feature).to.be.a('boolean');
			if ((config.filter as Json).supported) expect((config.filter as Json).maxResults).to.be.a('number');
			if ((config.bulk as Json).supported) {
				expect((config.bulk as Json).maxOperations).to.be.a('number');
			}
			const schemes = config.authenticationSchemes as Json[];
			expect(schemes.length).to.be.greaterThan(0);
			for (const s of schemes) expect(s).to.include.keys('type', 'name', 'description');
		});

		it('ResourceTypes lists User and Group, each readable by id', async () => {
			const types = expectList(await call('GET', 'ResourceTypes'));
			const byId = new Map(types.map((t) => [t.id, t]));
			expect(byId.get('User')).to.include({ endpoint: '/Users', schema: USER });
			expect(byId.get('Group')).to.include({ endpoint: '/Groups', schema: GROUP });
			const one = await call('GET', 'ResourceTypes/User');
			expect(one.status).to.equal(200);
			expect(one.body.schema).to.equal(USER);
			expectError(await call('GET', 'ResourceTypes/Nope'), 404);
		});

		it('Schemas describes User and Group attributes (RFC 7643 §7), each readable by its URN', async () => {
			const list = expectList(await call('GET', 'Schemas'));
			const ids = list.map((s) => s.id);
			expect(ids).to.include.members([USER, GROUP]);
			for (const s of list)
				for (const a of s.attributes as Json[])
					expect(a).to.include.keys(
						'name',
						'type',
						'multiValued',
						'required',
						'caseExact',
						'mutability',
						'returned',
						'uniqueness',
					);
			const user = await call('GET', `Schemas/${USER}`);
			expect(user.status).to.equal(200);
			expect((user.body.attributes as Json[]).map((a) => a.name)).to.include('userName');
		});
	});

	describe('Users (RFC 7644 §3.3 - §3.6)', () => {
		let u1: Json;

		it('POST creates: 201, Location = meta.location, id, meta', async () => {
			const res = await call('POST', 'Users', newUser(1));
			expect(res.status, JSON.stringify(res.body)).to.equal(201);
			u1 = res.body;
			cleanup.push(`Users/${u1.id as string}`);
			expect(u1.id).to.be.a('string').and.not.equal('');
			expect(u1.schemas).to.include(USER);
			expect(u1.userName).to.equal(`${run}.user1@example.org`);
			const meta = u1.meta as Json;
			expect(meta.resourceType).to.equal('User');
			expect(res.headers['location']).to.equal(meta.location);
			expect(String(meta.location)).to.match(new RegExp(`/Users/${u1.id as string}$`));
			expect(Number.isNaN(Date.parse(String(meta.created)))).to.equal(false);
			expect(Number.isNaN(Date.parse(String(meta.lastModified)))).to.equal(false);
		});

		it('POST of a userName already taken (in another case) is 409 uniqueness', async () => {
			const res = await call('POST', 'Users', newUser(1, { userName: `${run}.USER1@example.org`, externalId: `${run}-other` }));
			expectError(res, 409, 'uniqueness');
		});

		it('GET by id returns the resource; an unknown id is 404', async () => {
			const res = await call('GET', `Users/${u1.id as string}`);
			expect(res.status).to.equal(200);
			expect(res.body.id).to.equal(u1.id);
			expect(res.body.userName).to.equal(u1.userName);
			expectError(await call('GET', 'Users/does-not-exist-0000'), 404);
		});

		it('GET with a filter: a ListResponse of the matches (userName is case-insensitive)', async () => {
			const res = await call('GET', `Users?filter=${encodeURIComponent(`userName eq "${run.toUpperCase()}.USER1@EXAMPLE.ORG"`)}`);
			const found = expectList(res);
			expect(res.body.totalResults).to.equal(1);
			expect(found[0].id).to.equal(u1.id);
			const none = await call('GET', `Users?filter=${encodeURIComponent(`userName eq "${run}.nobody@example.org"`)}`);
			expect(expectList(none)).to.have.length(0);
			expect(none.body.totalResults).to.equal(0);
		});

		it('paging with startIndex and count returns each resource once', async () => {
			for (const n of [2, 3, 4, 5]) {
				const res = await call('POST', 'Users', newUser(n));
				expect(res.status).to.equal(201);
				cleanup.push(`Users/${res.body.id as string}`);
			}
			const filter = encodeURIComponent(`userName sw "${run}."`);
			const all = await call('GET', `Users?filter=${filter}`);
			expect(all.body.totalResults).to.equal(5);
			const seen: unknown[] = [];
			for (let start = 1; start <= 5; start += 2) {
				const page = await call('GET', `Users?filter=${filter}&startIndex=${start}&count=2`);
				const items = expectList(page);
				expect(page.body.startIndex).to.equal(start);
				expect(items.length).to.be.at.most(2);
				seen.push(...items.map((i) => i.id));
			}
			expect(new Set(seen).size).to.equal(5);
			const zero = await call('GET', `Users?filter=${filter}&count=0`);
			expect(zero.body.totalResults).to.equal(5);
			expect(zero.body.Resources ?? []).to.have.length(0);
		});

		it('an invalid filter is 400 invalidFilter', async () => {
			expectError(await call('GET', `Users?filter=${encodeURIComponent('userName eq')}`), 400, 'invalidFilter');
			expectError(await call('GET', `Users?filter=${encodeURIComponent('(userName eq "a"')}`), 400, 'invalidFilter');
		});

		it('attributes and excludedAttributes select what is returned; id is always returned', async () => {
			const only = await call('GET', `Users/${u1.id as string}?attributes=userName`);
			expect(only.body.id).to.equal(u1.id);
			expect(only.body.userName).to.equal(u1.userName);
			expect(only.body).to.not.have.property('emails');
			expect(only.body).to.not.have.property('name');
			const without = await call('GET', `Users/${u1.id as string}?excludedAttributes=emails,name`);
			expect(without.body).to.not.have.property('emails');
			expect(without.body).to.not.have.property('name');
			expect(without.body.userName).to.equal(u1.userName);
			const list = expectList(
				await call('GET', `Users?filter=${encodeURIComponent(`id eq "${u1.id as string}"`)}&attributes=name.givenName`),
			);
			expect(list[0]).to.deep.include({ id: u1.id, name: { givenName: 'Given1' } });
		});

		it('POST /Users/.search takes the query in a SearchRequest body', async () => {
			const res = await call('POST', 'Users/.search', {
				schemas: [SEARCH],
				filter: `externalId eq "${run}-x1"`,
				attributes: ['userName'],
				startIndex: 1,
				count: 10,
			});
			const found = expectList(res);
			expect(found.map((f) => f.id)).to.deep.equal([u1.id]);
			expect(found[0]).to.not.have.property('emails');
		});

		it('PUT replaces the resource: attributes left out are cleared', async () => {
			const res = await call('PUT', `Users/${u1.id as string}`, newUser(1, { nickName: 'Nick', displayName: 'Given One' }));
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
			expect(res.body.nickName).to.equal('Nick');
			const again = await call('PUT', `Users/${u1.id as string}`, newUser(1));
			expect(again.status).to.equal(200);
			expect(again.body).to.not.have.property('nickName');
		});

		it('PATCH add, replace and remove (RFC 7644 §3.5.2)', async () => {
			const res = await call('PATCH', `Users/${u1.id as string}`, {
				schemas: [PATCH],
				Operations: [
					{ op: 'add', path: 'nickName', value: 'Patchy' },
					{ op: 'replace', path: 'name.familyName', value: 'Changed' },
					{ op: 'add', path: 'emails', value: [{ value: `${run}.home1@example.org`, type: 'home' }] },
					{ op: 'remove', path: 'emails[type eq "home"]' },
				],
			});
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
			expect(res.body.nickName).to.equal('Patchy');
			expect((res.body.name as Json).familyName).to.equal('Changed');
			expect((res.body.emails as Json[]).map((e) => e.type)).to.deep.equal(['work']);
			expectError(
				await call('PATCH', `Users/${u1.id as string}`, { schemas: [PATCH], Operations: [{ op: 'jump', path: 'nickName' }] }),
				400,
			);
		});

		it('ETag (when advertised): meta.version is the ETag; If-None-Match gives 304, a stale If-Match 412', async function () {
			if (!(config.etag as Json).supported) this.skip();
			const res = await call('GET', `Users/${u1.id as string}`);
			const etag = res.headers['etag'];
			expect(etag).to.equal((res.body.meta as Json).version);
			expect((await call('GET', `Users/${u1.id as string}`, undefined, { 'If-None-Match': etag })).status).to.equal(304);
			const changed = await call('PATCH', `Users/${u1.id as string}`, {
				schemas: [PATCH],
				Operations: [{ op: 'replace', path: 'nickName', value: 'V2' }],
			});
			expect(changed.headers['etag']).to.not.equal(etag);
			const stale = await call(
				'PATCH',
				`Users/${u1.id as string}`,
				{ schemas: [PATCH], Operations: [{ op: 'replace', path: 'nickName', value: 'V3' }] },
				{ 'If-Match': etag },
			);
			expect(stale.status).to.equal(412);
		});

		it('DELETE: 204, then 404', async () => {
			const res = await call('POST', 'Users', newUser(9));
			const id = res.body.id as string;
			const del = await call('DELETE', `Users/${id}`);
			expect(del.status).to.equal(204);
			expectError(await call('GET', `Users/${id}`), 404);
			expectError(await call('DELETE', `Users/${id}`), 404);
		});
	});

	describe('Groups (RFC 7643 §4.2)', () => {
		let user: Json;
		let group: Json;

		before(async () => {
			const u = await call('POST', 'Users', newUser(20));
			user = u.body;
			cleanup.push(`Users/${user.id as string}`);
		});

		it('POST with members: 201, members returned with value', async () => {
			const res = await call('POST', 'Groups', { schemas: [GROUP], displayName: `${run} Group`, members: [{ value: user.id }] });
			expect(res.status, JSON.stringify(res.body)).to.equal(201);
			group = res.body;
			cleanup.push(`Groups/${group.id as string}`);
			expect(res.headers['location']).to.equal((group.meta as Json).location);
			expect((group.members as Json[]).map((m) => m.value)).to.deep.equal([user.id]);
		});

		it('filters by displayName and by member; excludedAttributes=members leaves members out', async () => {
			const byName = expectList(await call('GET', `Groups?filter=${encodeURIComponent(`displayName eq "${run} group"`)}`));
			expect(byName.map((g) => g.id)).to.deep.equal([group.id]);
			const byMember = expectList(
				await call('GET', `Groups?filter=${encodeURIComponent(`members.value eq "${user.id as string}"`)}`),
			);
			expect(byMember.map((g) => g.id)).to.deep.equal([group.id]);
			const slim = await call('GET', `Groups/${group.id as string}?excludedAttributes=members`);
			expect(slim.body).to.not.have.property('members');
			expect(slim.body.displayName).to.equal(`${run} Group`);
		});

		it('PATCH removes and adds members; the group reads back accordingly', async () => {
			const remove = await call('PATCH', `Groups/${group.id as string}`, {
				schemas: [PATCH],
				Operations: [{ op: 'remove', path: `members[value eq "${user.id as string}"]` }],
			});
			expect([200, 204]).to.include(remove.status);
			expect((await call('GET', `Groups/${group.id as string}`)).body.members ?? []).to.deep.equal([]);
			const add = await call('PATCH', `Groups/${group.id as string}`, {
				schemas: [PATCH],
				Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }],
			});
			expect([200, 204]).to.include(add.status);
			const after = await call('GET', `Groups/${group.id as string}`);
			expect(((after.body.members ?? []) as Json[]).map((m) => m.value)).to.deep.equal([user.id]);
		});

		it('PUT replaces displayName and members', async () => {
			const res = await call('PUT', `Groups/${group.id as string}`, { schemas: [GROUP], displayName: `${run} Renamed`, members: [] });
			expect(res.status, JSON.stringify(res.body)).to.equal(200);
			expect(res.body.displayName).to.equal(`${run} Renamed`);
			expect(res.body.members ?? []).to.deep.equal([]);
		});

		it('DELETE: 204, then 404', async () => {
			expect((await call('DELETE', `Groups/${group.id as string}`)).status).to.equal(204);
			expectError(await call('GET', `Groups/${group.id as string}`), 404);
		});
	});

	describe('what is not advertised is not pretended', () => {
		it('bulk: not supported -> no Bulk endpoint', async function () {
			if ((config.bulk as Json).supported) this.skip();
			const res = await call('POST', 'Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] });
			expect(res.status).to.be.oneOf([404, 405, 501]);
		});
	});
});
