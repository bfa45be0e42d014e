import { expect } from 'chai';
import fc from 'fast-check';

import { mergeDesired, scimDesired } from '../../../core/scim/desired';
import { compileFilter } from '../../../core/scim/filter';
import { applyUserPatch, MemberOp, memberDelta } from '../../../core/scim/patch';
import { project, projection } from '../../../core/scim/projection';
import { ScimUserRecord } from '../../../core/scim/types';
import { userAttributes, userDocument, userResource } from '../../../core/scim/user';

const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .'-]{0,15}$/);
const userArb = fc.record({
	userName: fc.stringMatching(/^[a-z][a-z0-9._-]{0,12}@[a-z]{1,8}\.example$/),
	externalId: fc.option(fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/), { nil: undefined }),
	name: fc.record({ givenName: word.filter((s) => s.trim() !== ''), familyName: word.filter((s) => s.trim() !== '') }),
	nickName: fc.option(word, { nil: undefined }),
	active: fc.boolean(),
	emails: fc.array(fc.record({ value: fc.stringMatching(/^[a-z]{1,8}@[a-z]{1,8}\.example$/), type: fc.constantFrom('work', 'home') }), {
		maxLength: 3,
	}),
});

const ids: fc.Arbitrary<string> = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const memberOp: fc.Arbitrary<MemberOp> = fc.oneof(
	fc.record({ kind: fc.constant('add' as const), ids: fc.array(ids, { maxLength: 3 }) }),
	fc.record({ kind: fc.constant('remove' as const), ids: fc.array(ids, { maxLength: 3 }) }),
	fc.record({ kind: fc.constant('replace' as const), ids: fc.array(ids, { maxLength: 3 }) }),
	fc.constant({ kind: 'removeAll' as const }),
);

/** The obvious model: apply each operation to a set. */
function simulate(current: Set<string>, ops: MemberOp[]): Set<string> {
	const s = new Set(current);
	for (const op of ops) {
		if (op.kind === 'add') for (const id of op.ids) s.add(id);
		else if (op.kind === 'remove') for (const id of op.ids) s.delete(id);
		else if (op.kind === 'replace') {
			s.clear();
			for (const id of op.ids) s.add(id);
		} else if (op.kind === 'removeAll') s.clear();
	}
	return s;
}

describe('SCIM properties', () => {
	it('member operations: applying the delta to the members gives what applying each operation in turn gives', () => {
		fc.assert(
			fc.property(fc.uniqueArray(ids, { maxLength: 5 }), fc.array(memberOp, { maxLength: 6 }), (current, ops) => {
				const before = new Set(current);
				const { add, remove } = memberDelta(ops, before);
				const after = new Set(before);
				for (const id of add) after.add(id);
				for (const id of remove) after.delete(id);
				expect([...after].sort()).to.deep.equal([...simulate(before, ops)].sort());
				// The delta writes only real changes: one record per member who actually changes.
				for (const id of add) expect(before.has(id)).to.equal(false);
				for (const id of remove) expect(before.has(id)).to.equal(true);
			}),
			{ numRuns: 500 },
		);
	});

	it('add/remove without the member list: the delta names each id once, as the last operation left it', () => {
		const addRemove = fc.oneof(
			fc.record({ kind: fc.constant('add' as const), ids: fc.array(ids, { maxLength: 3 }) }),
			fc.record({ kind: fc.constant('remove' as const), ids: fc.array(ids, { maxLength: 3 }) }),
		);
		fc.assert(
			fc.property(fc.uniqueArray(ids, { maxLength: 5 }), fc.array(addRemove, { maxLength: 6 }), (current, ops) => {
				const { add, remove } = memberDelta(ops);
				const after = new Set(current);
				for (const id of add) after.add(id);
				for (const id of remove) after.delete(id);
				expect([...after].sort()).to.deep.equal([...simulate(new Set(current), ops)].sort());
			}),
		);
	});

	it('a valid User survives document -> PATCH with no change -> validation unchanged', () => {
		fc.assert(
			fc.property(userArb, (u) => {
				const attrs = userAttributes(u);
				const again = userAttributes(
					applyUserPatch(userDocument(attrs), [{ op: 'replace', path: 'nickName', value: attrs.nickName ?? 'x' }]),
				);
				expect({ ...again, nickName: attrs.nickName }).to.deep.equal({ ...attrs, nickName: attrs.nickName });
			}),
		);
	});

	it('userName eq matches exactly the users whose userName is equal ignoring case', () => {
		fc.assert(
			fc.property(fc.array(userArb, { minLength: 1, maxLength: 8 }), fc.nat(), fc.boolean(), (list, pick, upper) => {
				const target = list[pick % list.length].userName;
				const f = compileFilter('User', `userName eq ${JSON.stringify(upper ? target.toUpperCase() : target)}`);
				for (const u of list) expect(f.test(u)).to.equal(u.userName.toLowerCase() === target.toLowerCase());
				const not = compileFilter('User', `not (userName eq ${JSON.stringify(target)})`);
				for (const u of list) expect(not.test(u)).to.equal(!f.test(u));
			}),
		);
	});

	it('attributes / excludedAttributes: id and schemas always come back; excluded attributes never do', () => {
		const names = fc.subarray([
			'userName',
			'name',
			'name.givenName',
			'emails',
			'emails.value',
			'active',
			'meta',
			'externalId',
			'nickName',
			'id',
		]);
		fc.assert(
			fc.property(userArb, names, names, (u, include, exclude) => {
				const rec: ScimUserRecord = { ...userAttributes(u), id: 'u1', personKey: 'u1', created: 0, lastModified: 0, version: 'v' };
				const r = project(
					userResource(rec, 'https://x/Users/u1'),
					projection('User', include.join(',') || undefined, exclude.join(',') || undefined),
				);
				expect(r.id).to.equal('u1');
				expect(r.schemas).to.deep.equal(['urn:ietf:params:scim:schemas:core:2.0:User']);
				for (const name of exclude) if (!name.includes('.') && name !== 'id') expect(r).to.not.have.property(name);
				if (include.length > 0)
					for (const key of Object.keys(r)) expect(['id', 'schemas', ...include.map((n) => n.split('.')[0])]).to.include(key);
			}),
		);
	});

	it('the desired state: every SCIM group member is a SCIM person, and SCIM wins for a shared externalId', () => {
		fc.assert(
			fc.property(fc.array(userArb, { maxLength: 6 }), fc.array(fc.tuple(fc.nat(3), fc.nat(6)), { maxLength: 10 }), (list, links) => {
				const users: ScimUserRecord[] = list.map((u, i) => ({
					...userAttributes(u),
					id: `u${i}`,
					personKey: u.externalId ?? `u${i}`,
					created: i,
					lastModified: i,
					version: 'v',
				}));
				const groups = [0, 1, 2, 3].map((g) => ({ id: `g${g}`, displayName: `G${g}`, created: 0, lastModified: 0, version: 'v' }));
				const members = links.map(([g, u]) => ({ groupId: `g${g}`, userId: `u${u}`, at: 0 }));
				const d = scimDesired({ users, groups, members });
				const keys = new Set(d.people.map((p) => p.externalId));
				for (const g of Object.values(d.groups)) for (const m of g.members) expect(keys.has(m.externalId)).to.equal(true);
				const pushed = users
					.slice(0, 1)
					.map((u) => ({ externalId: u.personKey, firstName: 'Pushed', lastName: 'Person', email: 'p@x.example' }));
				const merged = mergeDesired({ people: pushed, groups: {}, roles: {}, excluded: [] }, d);
				for (const p of merged.people) if (keys.has(p.externalId)) expect(p.firstName).to.not.equal('Pushed');
			}),
		);
	});
});
