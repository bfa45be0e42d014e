import { expect } from 'chai';

import { applyUserPatch, groupPatch, memberDelta, needsCurrentMembers, patchOperations } from '../../../core/scim/patch';
import { ScimError } from '../../../core/scim/types';
import { personOf, userAttributes, userDocument } from '../../../core/scim/user';

type Json = Record<string, unknown>;
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const base: Json = {
	userName: 'bjensen@contoso.example',
	externalId: 'x1',
	active: true,
	displayName: 'Babs Jensen',
	name: { givenName: 'Barbara', familyName: 'Jensen' },
	emails: [{ value: 'bjensen@contoso.example', type: 'work', primary: true }],
};

const patchUser = (ops: unknown[], doc: Json = base): Json =>
	userDocument(userAttributes(applyUserPatch(doc, patchOperations({ schemas: [PATCH], Operations: ops }))));
const patchGroup = (ops: unknown[]) => groupPatch(patchOperations({ schemas: [PATCH], Operations: ops }));

/**
 * Requests as the identity providers document them: Microsoft Entra ID ("Tutorial: Develop and plan
 * provisioning for a SCIM endpoint", request/response samples and known behaviours) and Okta ("SCIM 2.0
 * protocol reference"), with the ids of their samples.
 */
describe('SCIM PATCH as Entra ID and Okta send it', () => {
	describe('Users', () => {
		const table: Array<{ from: string; ops: unknown[]; expect: (d: Json) => void }> = [
			{
				from: 'Entra ID: update a multi-valued attribute by filter, and a sub-attribute',
				ops: [
					{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
					{ op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
				],
				expect: (d) => {
					expect(d.emails).to.deep.equal([{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }]);
					expect(d.name).to.deep.equal({ givenName: 'Barbara', familyName: 'updatedFamilyName' });
				},
			},
			{
				from: 'Entra ID: update userName',
				ops: [{ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' }],
				expect: (d) => expect(d.userName).to.equal('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com'),
			},
			{
				from: 'Entra ID: disable a user',
				ops: [{ op: 'Replace', path: 'active', value: false }],
				expect: (d) => expect(d.active).to.equal(false),
			},
			{
				from: 'Entra ID: booleans sent as strings ("False")',
				ops: [{ op: 'Replace', path: 'active', value: 'False' }],
				expect: (d) => expect(d.active).to.equal(false),
			},
			{
				from: 'Entra ID: a work address on a user that has none is added',
				ops: [{ op: 'Add', path: 'emails[type eq "home"].value', value: 'babs@home.example' }],
				expect: (d) =>
					expect(d.emails).to.deep.equal([
						{ value: 'bjensen@contoso.example', type: 'work', primary: true },
						{ value: 'babs@home.example', type: 'home' },
					]),
			},
			{
				from: 'Entra ID: several attributes without a path, enterprise extension ignored',
				ops: [
					{
						op: 'Add',
						value: {
							nickName: 'Babs',
							'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'Sales',
							'name.givenName': 'Barb',
						},
					},
				],
				expect: (d) => {
					expect(d.nickName).to.equal('Babs');
					expect((d.name as Json).givenName).to.equal('Barb');
				},
			},
			{
				from: 'Entra ID: an extension path is ignored',
				ops: [
					{ op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: { value: 'boss' } },
				],
				expect: (d) => expect(d).to.deep.equal(base),
			},
			{
				from: 'Okta: deactivate (replace without a path)',
				ops: [{ op: 'replace', value: { active: false } }],
				expect: (d) => expect(d.active).to.equal(false),
			},
			{
				from: 'Okta: profile update without a path, password ignored and never stored',
				ops: [{ op: 'replace', value: { name: { familyName: 'Jensen-Smith' }, password: 'OktaSecret1!' } }],
				expect: (d) => {
					expect(d.name).to.deep.equal({ givenName: 'Barbara', familyName: 'Jensen-Smith' });
					expect(JSON.stringify(d)).to.not.contain('OktaSecret1!');
				},
			},
			{
				from: 'RFC 7644 §3.5.2.2: remove a value by filter',
				ops: [{ op: 'remove', path: 'emails[type eq "home"]' }],
				expect: (d) => expect(d.emails).to.deep.equal([{ value: 'bjensen@contoso.example', type: 'work', primary: true }]),
			},
			{
				from: 'RFC 7644 §3.5.2.1: add a value to a multi-valued attribute (the new primary wins)',
				ops: [{ op: 'add', path: 'emails', value: [{ value: 'b@new.example', primary: true }] }],
				expect: (d) =>
					expect(d.emails).to.deep.equal([
						{ value: 'bjensen@contoso.example', type: 'work' },
						{ value: 'b@new.example', primary: true },
					]),
			},
			{
				from: 'schema-qualified core path',
				ops: [{ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:displayName', value: 'B. J.' }],
				expect: (d) => expect(d.displayName).to.equal('B. J.'),
			},
		];
		for (const row of table) it(row.from, () => row.expect(patchUser(row.ops)));

		const refusals: Array<[string, unknown, string]> = [
			['no PatchOp schema', { Operations: [{ op: 'add', path: 'nickName', value: 'x' }] }, 'invalidSyntax'],
			['unknown op', { schemas: [PATCH], Operations: [{ op: 'move', path: 'nickName', value: 'x' }] }, 'invalidSyntax'],
			['remove without a path', { schemas: [PATCH], Operations: [{ op: 'remove' }] }, 'noTarget'],
			['unknown attribute', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'shoeSize', value: 44 }] }, 'invalidPath'],
			['read-only id', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'id', value: 'x' }] }, 'mutability'],
			['externalId changed', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'externalId', value: 'x2' }] }, 'mutability'],
			['bad boolean', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] }, 'invalidValue'],
			[
				'bad filter in path',
				{ schemas: [PATCH], Operations: [{ op: 'replace', path: 'emails[type eq].value', value: 'x' }] },
				'invalidPath',
			],
			['userName removed', { schemas: [PATCH], Operations: [{ op: 'remove', path: 'userName' }] }, 'invalidValue'],
			[
				'roles granted',
				{
					schemas: [PATCH],
					Operations: [
						{ op: 'add', path: 'nickName', value: 'x' },
						{ op: 'add', value: { roles: [{ value: 'admin' }] } },
					],
				},
				'invalidPath',
			],
		];
		for (const [what, body, scimType] of refusals) {
			it(`refuses: ${what} (${scimType})`, () => {
				try {
					userAttributes(applyUserPatch(base, patchOperations(body)));
				} catch (err) {
					expect(err).to.be.instanceOf(ScimError);
					expect((err as ScimError).scimType).to.equal(scimType);
					return;
				}
				throw new Error('accepted');
			});
		}
	});

	describe('Groups', () => {
		it('Entra ID: add a member ($ref null), capitalised op', () => {
			const p = patchGroup([{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }]);
			expect(p.members).to.deep.equal([{ kind: 'add', ids: ['f648f8d5ea4e4cd38e9c'] }]);
			expect(needsCurrentMembers(p.members)).to.equal(false);
		});
		it('Entra ID: remove members listed in the value', () => {
			const p = patchGroup([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'a2a6dd6e' }, { value: 'b3' }] }]);
			expect(p.members).to.deep.equal([{ kind: 'remove', ids: ['a2a6dd6e', 'b3'] }]);
		});
		it('Entra ID: rename a group', () => {
			expect(patchGroup([{ op: 'Replace', path: 'displayName', value: 'New name' }]).displayName).to.equal('New name');
		});
		it("Okta: rename with the group's id in the value (ignored)", () => {
			const p = patchGroup([{ op: 'replace', value: { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b', displayName: 'Test SCIMv2' } }]);
			expect(p).to.deep.equal({ displayName: 'Test SCIMv2', members: [] });
		});
		it('Okta: replace the whole member list', () => {
			const p = patchGroup([{ op: 'replace', path: 'members', value: [{ value: '23a35c27', display: 'test.user@okta.local' }] }]);
			expect(p.members).to.deep.equal([{ kind: 'replace', ids: ['23a35c27'] }]);
			expect(memberDelta(p.members, new Set(['a', '23a35c27']))).to.deep.equal({ add: [], remove: ['a'] });
		});
		it('Okta: remove one member by filter, without reading the group', () => {
			const p = patchGroup([{ op: 'remove', path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' }]);
			expect(p.members).to.deep.equal([{ kind: 'remove', ids: ['89bb1940-b905-4575-9e7f-6f887cfb368e'] }]);
			expect(needsCurrentMembers(p.members)).to.equal(false);
		});
		it('Okta: add several members', () => {
			const p = patchGroup([{ op: 'add', path: 'members', value: [{ value: 'a', display: 'a@x' }, { value: 'b' }] }]);
			expect(memberDelta(p.members)).to.deep.equal({ add: ['a', 'b'], remove: [] });
		});
		it('remove every member, and a filter that needs the member list', () => {
			expect(memberDelta(patchGroup([{ op: 'remove', path: 'members' }]).members, new Set(['a', 'b']))).to.deep.equal({
				add: [],
				remove: ['a', 'b'],
			});
			const p = patchGroup([{ op: 'remove', path: 'members[value sw "a"]' }]);
			expect(needsCurrentMembers(p.members)).to.equal(true);
			expect(memberDelta(p.members, new Set(['a1', 'a2', 'b']))).to.deep.equal({ add: [], remove: ['a1', 'a2'] });
		});
		it('operations apply in order', () => {
			const p = patchGroup([
				{ op: 'add', path: 'members', value: [{ value: 'a' }] },
				{ op: 'remove', path: 'members[value eq "a"]' },
				{ op: 'add', path: 'members', value: [{ value: 'b' }] },
			]);
			expect(memberDelta(p.members, new Set())).to.deep.equal({ add: ['b'], remove: [] });
		});
		it('refuses groups as members, read-only attributes and member filters on add', () => {
			for (const ops of [
				[{ op: 'add', path: 'members', value: [{ value: 'g', type: 'Group' }] }],
				[{ op: 'replace', path: 'id', value: 'x' }],
				[{ op: 'add', path: 'members[value eq "a"]', value: [{ value: 'a' }] }],
				[{ op: 'remove', path: 'displayName' }],
			])
				expect(() => patchGroup(ops)).to.throw(ScimError);
		});
	});
});

describe('SCIM User <-> Person', () => {
	it('maps an Entra ID user onto the contract Person', () => {
		const attrs = userAttributes({
			schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
			externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
			userName: 'Test_User_ab6490ee@contoso.com',
			active: true,
			emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@contoso.com', verified: true }],
			meta: { resourceType: 'User' },
			name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
			nickName: 'Tester',
			photos: [{ value: 'https://photos.example.com/profilephoto/72930000000Ccne/F', type: 'photo' }],
			roles: [],
		});
		expect(personOf({ ...attrs, personKey: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef' })).to.deep.equal({
			externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
			firstName: 'givenName',
			lastName: 'familyName',
			email: 'Test_User_fd0ea19b@contoso.com',
			emailVerified: true,
			nickName: 'Tester',
			photoUrl: 'https://photos.example.com/profilephoto/72930000000Ccne/F',
			active: true,
		});
	});

	it('maps an Okta user (userName is the e-mail; no externalId: the key is the SCIM id)', () => {
		const attrs = userAttributes({
			schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
			userName: 'test.user@okta.local',
			name: { givenName: 'Test', familyName: 'User' },
			emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
			displayName: 'Test User',
			locale: 'en-US',
			externalId: undefined,
			groups: [],
			password: '1mz050nq',
			active: true,
		});
		expect(JSON.stringify(attrs)).to.not.contain('1mz050nq');
		expect(personOf({ ...attrs, personKey: 'scim-id-1' })).to.include({
			externalId: 'scim-id-1',
			firstName: 'Test',
			lastName: 'User',
			email: 'test.user@okta.local',
		});
	});

	it('derives names from formatted / displayName and the e-mail from userName', () => {
		const p = personOf(userAttributes({ userName: 'ana@example.org', displayName: 'Ana María Ruiz' }));
		expect(p).to.include({ firstName: 'Ana María', lastName: 'Ruiz', email: 'ana@example.org' });
	});

	it('refuses what cannot become a person, and roles', () => {
		for (const body of [
			{ userName: 'noemail', name: { givenName: 'A', familyName: 'B' } },
			{ userName: 'a@b.c' },
			{ userName: 'a@b.c', displayName: 'Mononym' },
			{ name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'a@b.c' }] },
			{ userName: 'a@b.c', name: { givenName: 'A', familyName: 'B' }, roles: [{ value: 'admin' }] },
			{ userName: 'a@b.c', name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'not-an-address' }] },
			{ userName: 'a@b.c', name: { givenName: 'A', familyName: 'B' }, photos: [{ value: 'javascript:alert(1)' }] },
			{ userName: 'a@b.c', name: { givenName: 'A\u0000', familyName: 'B' } },
			{ userName: 'a@b.c', name: { givenName: 'A', familyName: 'B' }, active: 'yes' },
			{ userName: 'a@b.c', name: { givenName: 'A', familyName: 'B' }, externalId: 'a/b' },
		])
			expect(() => userAttributes(body), JSON.stringify(body)).to.throw(ScimError);
	});
});
