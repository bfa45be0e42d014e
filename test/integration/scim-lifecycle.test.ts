import { expect } from 'chai';
import fc from 'fast-check';

import { Harness } from './harness';
import { drainJobs, roomOverRest, status, userOverRest } from './sync-support';

type Json = Record<string, unknown>;
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** A User as Microsoft Entra ID creates one (its documented request, with our people). */
function entraUser(i: number, given: string, family: string): Json {
	return {
		schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
		externalId: `entra-${i}`,
		userName: `${given.toLowerCase()}.${family.toLowerCase()}@contoso.example`,
		active: true,
		displayName: `${given} ${family}`,
		emails: [{ primary: true, type: 'work', value: `${given.toLowerCase()}.${family.toLowerCase()}@contoso.example` }],
		meta: { resourceType: 'User' },
		name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
		roles: [],
		'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Youth' },
	};
}

/**
 * The whole lifecycle as an identity provider drives it, in the sandbox: create users and groups, patch
 * members in, deactivate, remove from a group, delete a group, delete a user. After each step the change
 * has scheduled a sync run (the jobs run it) and the Rocket.Chat state is read back over REST.
 */
describe('SCIM: an identity provider provisions people and groups into Rocket.Chat', function () {
	this.timeout(120_000);
	let h: Harness;
	let bot: string;
	/** The integration account: a member of every room the sync manages (its REST calls need it). */
	let admin: string;
	const ids: Record<string, string> = {};
	const username = (given: string) =>
		h.world.findUserByEmail(`${given.toLowerCase()}.${lastOf[given].toLowerCase()}@contoso.example`)?.username;
	const lastOf: Record<string, string> = { Ada: 'Lovelace', Brook: 'Taylor', Chen: 'Wu', Dana: 'Scully' };

	/** The change scheduled a run: the due jobs run it (and any continuation). */
	async function syncAfterChange(): Promise<void> {
		expect(await drainJobs(h), 'the SCIM change scheduled a sync run').to.be.greaterThan(0);
		expect((await status(h)).sync.halted).to.equal(null);
	}

	before(async () => {
		h = await Harness.start();
		bot = [...h.world.users.values()].find((u) => u.type === 'app')?.username as string;
		admin = h.info.admin.username;
	});
	after(async () => {
		await h?.stop();
	});

	it('creates users (201, Location, id) and groups; a group with a member gets its room', async () => {
		let i = 0;
		for (const given of Object.keys(lastOf)) {
			const res = await h.scim<Json>('POST', 'Users', entraUser(++i, given, lastOf[given]));
			expect(res.status, JSON.stringify(res.body)).to.equal(201);
			expect(res.headers['content-type']).to.match(/^application\/scim\+json/);
			expect(res.headers.location).to.equal((res.body.meta as Json).location);
			expect(res.headers.location).to.match(new RegExp(`/scim/v2/Users/${res.body.id as string}$`));
			ids[given] = res.body.id as string;
		}
		// Okta creates groups empty; Entra ID may send members at once.
		const youth = await h.scim<Json>('POST', 'Groups', { schemas: [GROUP], displayName: 'Scim Youth', members: [] });
		expect(youth.status, JSON.stringify(youth.body)).to.equal(201);
		ids.youth = youth.body.id as string;
		const choir = await h.scim<Json>('POST', 'Groups', { schemas: [GROUP], displayName: 'Scim Choir', members: [{ value: ids.Dana }] });
		expect(choir.status, JSON.stringify(choir.body)).to.equal(201);
		ids.choir = choir.body.id as string;

		await syncAfterChange();
		expect(await roomOverRest(h, 'scim-choir')).to.deep.equal({
			topic: null,
			members: [bot, admin, username('Dana')].sort(),
			leaders: [],
			moderators: [],
		});
		expect(await roomOverRest(h, 'scim-youth'), 'a group without members has no room').to.equal(null);
		expect((await userOverRest(h, username('Dana') as string))?.name).to.equal('Dana Scully');
		expect(username('Ada'), 'people in no group get an account when they join one').to.equal(undefined);
	});

	it('patches members in (Entra ID "Add" with several members)', async () => {
		const res = await h.scim('PATCH', `Groups/${ids.youth}`, {
			schemas: [PATCH],
			Operations: [
				{
					op: 'Add',
					path: 'members',
					value: [{ $ref: null, value: ids.Ada }, { $ref: null, value: ids.Brook }, { value: ids.Chen }],
				},
			],
		});
		expect(res.status, JSON.stringify(res.body)).to.equal(204);
		await syncAfterChange();
		const room = await roomOverRest(h, 'scim-youth');
		expect(room?.members).to.deep.equal([bot, admin, username('Ada'), username('Brook'), username('Chen')].sort());
		for (const given of ['Ada', 'Brook', 'Chen']) expect((await userOverRest(h, username(given) as string))?.active).to.equal(true);
		expect(username('Ada')).to.equal('ada.lovelace');
	});

	it('deactivates a user (Okta: replace without a path): the account is deactivated and leaves its rooms', async () => {
		const res = await h.scim<Json>('PATCH', `Users/${ids.Chen}`, {
			schemas: [PATCH],
			Operations: [{ op: 'replace', value: { active: false } }],
		});
		expect(res.status, JSON.stringify(res.body)).to.equal(200);
		expect(res.body.active).to.equal(false);
		await syncAfterChange();
		expect((await userOverRest(h, username('Chen') as string))?.active).to.equal(false);
		expect((await roomOverRest(h, 'scim-youth'))?.members).to.deep.equal([bot, admin, username('Ada'), username('Brook')].sort());
	});

	it('removes a member from a group (Okta filter and Entra ID value forms)', async () => {
		const okta = await h.scim('PATCH', `Groups/${ids.youth}`, {
			schemas: [PATCH],
			Operations: [{ op: 'remove', path: `members[value eq "${ids.Brook}"]` }],
		});
		expect(okta.status, JSON.stringify(okta.body)).to.equal(204);
		await syncAfterChange();
		expect((await roomOverRest(h, 'scim-youth'))?.members).to.deep.equal([bot, admin, username('Ada')].sort());
		// In no group any more: deactivated (setting "deactivate people in no group", on by default).
		expect((await userOverRest(h, username('Brook') as string))?.active).to.equal(false);

		const entra = await h.scim('PATCH', `Groups/${ids.choir}`, {
			schemas: [PATCH],
			Operations: [{ op: 'Remove', path: 'members', value: [{ value: ids.Dana }] }],
		});
		expect(entra.status).to.equal(204);
		const members = await h.scim<Json>('GET', `Groups/${ids.choir}`);
		expect(members.body.members ?? []).to.deep.equal([]);
		await syncAfterChange();
		expect(await roomOverRest(h, 'scim-choir'), 'a group without members loses its room').to.equal(null);
	});

	it('deletes a group: its room is deleted; the people keep their accounts', async () => {
		const put = await h.scim('PATCH', `Groups/${ids.choir}`, {
			schemas: [PATCH],
			Operations: [{ op: 'replace', path: 'members', value: [{ value: ids.Ada }, { value: ids.Dana }] }],
		});
		expect(put.status).to.equal(204);
		await syncAfterChange();
		expect((await roomOverRest(h, 'scim-choir'))?.members).to.deep.equal([bot, admin, username('Ada'), username('Dana')].sort());

		const del = await h.scim('DELETE', `Groups/${ids.choir}`);
		expect(del.status).to.equal(204);
		expect((await h.scim('GET', `Groups/${ids.choir}`)).status).to.equal(404);
		await syncAfterChange();
		expect(await roomOverRest(h, 'scim-choir')).to.equal(null);
		expect((await roomOverRest(h, 'scim-youth'))?.members).to.deep.equal([bot, admin, username('Ada')].sort());
		expect((await userOverRest(h, username('Ada') as string))?.active).to.equal(true);
	});

	it('deletes a user: 404 from then on, the account is deactivated and kept', async () => {
		const del = await h.scim('DELETE', `Users/${ids.Ada}`);
		expect(del.status).to.equal(204);
		expect((await h.scim('GET', `Users/${ids.Ada}`)).status).to.equal(404);
		await syncAfterChange();
		const ada = await userOverRest(h, 'ada.lovelace');
		expect(ada, 'never deleted').to.not.equal(null);
		expect(ada?.active).to.equal(false);
		expect(await roomOverRest(h, 'scim-youth'), 'no active member left').to.equal(null);
		// The same person provisioned again (same externalId): the account is reactivated, not duplicated.
		const again = await h.scim<Json>('POST', 'Users', entraUser(1, 'Ada', 'Lovelace'));
		expect(again.status, JSON.stringify(again.body)).to.equal(201);
		await h.scim('PATCH', `Groups/${ids.youth}`, {
			schemas: [PATCH],
			Operations: [{ op: 'add', path: 'members', value: [{ value: again.body.id }] }],
		});
		await syncAfterChange();
		expect((await userOverRest(h, 'ada.lovelace'))?.active).to.equal(true);
		expect(h.world.findUserByUsername('ada.lovelace2')).to.equal(undefined);
	});

	it('goes through the same planner, dry run and safety valve as a push', async () => {
		const created = await h.scim<Json>('POST', 'Groups', {
			schemas: [GROUP],
			displayName: 'Scim Planned',
			members: [{ value: ids.Dana }],
		});
		expect(created.status).to.equal(201);
		const planned = await h.app<{ plan: Json }>('POST', 'sync?dryRun=true');
		expect(planned.body.plan.createRooms).to.equal(1);
		expect(await roomOverRest(h, 'scim-planned'), 'a dry run writes nothing').to.equal(null);
		await syncAfterChange();
		expect((await roomOverRest(h, 'scim-planned'))?.members).to.deep.equal([bot, admin, username('Dana')].sort());

		// With a 0 % safety limit, a SCIM deactivation halts the run before any write, as a push would.
		await h.sandbox.configureApp({ sync_safety_limit_percent: 0 });
		try {
			const off = await h.scim('PATCH', `Users/${ids.Dana}`, {
				schemas: [PATCH],
				Operations: [{ op: 'replace', path: 'active', value: false }],
			});
			expect(off.status).to.equal(200);
			await drainJobs(h);
			expect((await status(h)).sync.halted).to.not.equal(null);
			expect((await userOverRest(h, username('Dana') as string))?.active, 'halted: nothing written').to.equal(true);
		} finally {
			await h.scim('PATCH', `Users/${ids.Dana}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: true }] });
			await h.sandbox.configureApp({ sync_safety_limit_percent: 20 });
		}
		await syncAfterChange();
	});

	it('is described in openapi.json, with its own security scheme', async () => {
		const doc = await h.app<{ paths: Record<string, Record<string, { security?: unknown }>> }>('GET', 'openapi.json', undefined, {
			key: null,
		});
		for (const path of [
			'/scim/v2/Users',
			'/scim/v2/Users/{id}',
			'/scim/v2/Groups/{id}',
			'/scim/v2/Users/.search',
			'/scim/v2/ServiceProviderConfig',
		])
			expect(doc.body.paths, path).to.have.property(path);
		expect(doc.body.paths['/scim/v2/Groups/{id}'].patch.security).to.deep.equal([{ scimToken: [] }]);
	});

	it('accepts only its own tokens: the API key gets 401, and the token is never echoed', async () => {
		const withKey = await h.scim<Json>('GET', 'Users', undefined, { token: h.info.apiKey });
		expect(withKey.status).to.equal(401);
		expect(withKey.body).to.include({ status: '401' });
		const scimOnApi = await h.app('GET', 'status', undefined, { key: h.info.scimToken });
		expect(scimOnApi.status, 'the SCIM token is not an API key').to.equal(401);
		const wrong = await h.scim<Json>('GET', 'Users', undefined, { token: `${h.info.scimToken}x` });
		expect(wrong.status).to.equal(401);
		expect(JSON.stringify(wrong)).to.not.contain(h.info.scimToken);
	});

	it('refuses an application/scim+json write that Rocket.Chat did not pass on (415), and changes nothing', async () => {
		const before = await h.scim<Json>('GET', 'Users?count=0');
		const res = await h.scim<Json>('POST', 'Users', entraUser(9, 'Eve', 'Example'), { contentType: 'application/scim+json' });
		expect(res.status).to.equal(415);
		expect(res.body.detail).to.match(/application\/json/);
		expect((await h.scim<Json>('GET', 'Users?count=0')).body.totalResults).to.equal(before.body.totalResults);
	});

	it('refuses a create whose attribute list is refused (400) before creating anything', async () => {
		const before = await h.scim<Json>('GET', 'Users?count=0');
		const tooLong = `attributes=${'userName,'.repeat(250)}`;
		const user = await h.scim<Json>('POST', `Users?${tooLong}`, entraUser(11, 'Ivy', 'Query'));
		expect(user.status).to.equal(400);
		expect(user.body.scimType).to.equal('invalidValue');
		expect(h.world.findUserByEmail('ivy.query@contoso.example')).to.equal(undefined);
		expect((await h.scim<Json>('GET', 'Users?count=0')).body.totalResults).to.equal(before.body.totalResults);
		const group = await h.scim<Json>('POST', `Groups?${tooLong}`, { schemas: [GROUP], displayName: 'Query Group' });
		expect(group.status).to.equal(400);
		expect(
			(await h.scim<Json>('GET', `Groups?filter=${encodeURIComponent('displayName eq "Query Group"')}`)).body.totalResults,
		).to.equal(0);
	});

	it('grants no roles and touches no room it did not create', async () => {
		const withRoles = await h.scim<Json>('POST', 'Users', {
			...entraUser(10, 'Rolf', 'Admin'),
			roles: [{ value: 'admin', primary: true }],
		});
		expect(withRoles.status).to.equal(400);
		expect(withRoles.body.scimType).to.equal('invalidValue');
		expect(h.world.findUserByEmail('rolf.admin@contoso.example')).to.equal(undefined);

		// A room the app did not create, with the name a SCIM group would get.
		const staff = await h.rest<{ group: { _id: string } }>('POST', 'groups.create', { name: 'scim-staff', members: [] });
		expect(staff.status).to.equal(200);
		const g = await h.scim<Json>('POST', 'Groups', { schemas: [GROUP], displayName: 'Scim Staff', members: [{ value: ids.Dana }] });
		expect(g.status).to.equal(201);
		await syncAfterChange();
		expect((await roomOverRest(h, 'scim-staff'))?.members, "the admin's room is left as it was").to.deep.equal([admin]);
		const own = [...h.world.rooms.values()].filter((r) => r.name?.startsWith('scim-staff') && r._id !== staff.body.group._id);
		expect(own.map((r) => r.name)).to.have.length(1);
		expect((await roomOverRest(h, own[0].name))?.members).to.deep.equal([bot, admin, username('Dana')].sort());
	});

	it('answers hostile bodies with 4xx only and stores nothing', async () => {
		const junk = fc.oneof(
			fc.string({ maxLength: 40 }).map((t) => `{${t}`),
			fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
			// Deeper than 100 levels never reaches the app: the engine refuses it (front-door.test.ts covers that).
			fc.nat(90).map((d) => '['.repeat(d) + ']'.repeat(d)),
			fc
				.record({ userName: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), emails: fc.jsonValue({ maxDepth: 2 }) })
				.map((v) => JSON.stringify(v)),
			fc
				.record({
					schemas: fc.constant([PATCH]),
					Operations: fc.array(fc.record({ op: fc.string(), path: fc.string(), value: fc.jsonValue({ maxDepth: 2 }) }), {
						maxLength: 3,
					}),
				})
				.map((v) => JSON.stringify(v)),
			fc
				.record({ displayName: fc.oneof(fc.string({ maxLength: 0 }), fc.integer()), members: fc.jsonValue({ maxDepth: 2 }) })
				.map((v) => JSON.stringify(v)),
		);
		const samples = fc.sample(junk, { numRuns: 300, seed: 1616 });
		const before = h.world.persistence.size;
		const targets = [
			['POST', 'Users'],
			['POST', 'Groups'],
			['PATCH', `Users/${ids.Dana}`],
			['PATCH', `Groups/${ids.youth}`],
			['PUT', `Users/${ids.Dana}`],
			['POST', 'Users/.search'],
		] as const;
		for (const [i, raw] of samples.entries()) {
			const [method, path] = targets[i % targets.length];
			const res = await h.http<Json>(method, `/api/apps/public/${h.appId}/scim/v2/${path}`, {
				raw,
				headers: { Authorization: `Bearer ${h.info.scimToken}`, 'Content-Type': 'application/json' },
			});
			if (res.status < 400 || res.status >= 500)
				throw new Error(`${method} ${path}: ${res.status} for ${raw.slice(0, 200)}: ${JSON.stringify(res.body)}`);
		}
		expect(h.world.persistence.size, 'nothing stored').to.equal(before);
	});
});
