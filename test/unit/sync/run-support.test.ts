import { expect } from 'chai';

import { accountAllocator } from '../../../core/sync/allocator';
import { destructiveCounts, gate, safetyFloor, SAFETY_MINIMUM_COUNT, withinCounts } from '../../../core/sync/gate';
import { checkSafety, plan, planFingerprint } from '../../../core/sync';
import { account, actualState, desiredState, person, room } from './fixtures';

describe('sync run support: the safety gate', () => {
	const people = new Map(['a', 'b', 'c', 'd'].map((id) => [id, account(id)]));
	const actual = actualState({ people, rooms: new Map([['g', room('r1', 'g', ['u-a', 'u-b', 'u-c', 'u-d'])]]) });
	const keep = desiredState({
		people: ['a', 'b', 'c', 'd'].map((id) => person(id)),
		groups: { g: { name: 'g', members: ['a', 'b', 'c', 'd'].map((externalId) => ({ externalId })) } },
	});
	const drop = desiredState({
		people: ['a', 'b', 'c', 'd'].map((id) => person(id)),
		groups: { g: { name: 'g', members: [{ externalId: 'a' }] } },
	});
	const settings = {
		email: true,
		photos: true,
		disableWithoutGroups: false,
		deleteInactiveGroups: true,
		exclusionGroup: null,
		resyncPasswords: false,
		safetyLimit: 0.2,
	};
	const planOf = (d: typeof keep) => plan(d, actual, { ...settings, allocateAccount: () => ({ error: 'none' }) });

	it('lets a safe plan through and approves its destructive counts', () => {
		const p = planOf(keep);
		const verdict = checkSafety(p, actual, { safetyLimit: 0.2 });
		const d = gate({ verdict, fingerprint: planFingerprint(p.ops), approval: null, confirmed: null });
		expect(d).to.deep.equal({
			proceed: true,
			basis: 'safe',
			approval: { memberships: 0, roleAssignments: 0, accounts: 0, rooms: 0, roleGrants: 0 },
		});
	});

	it('halts an unsafe plan unless that exact plan was confirmed', () => {
		const p = planOf(drop);
		const verdict = checkSafety(p, actual, { safetyLimit: 0.2 });
		const fingerprint = planFingerprint(p.ops);
		const halted = gate({ verdict, fingerprint, approval: null, confirmed: null });
		expect(halted.proceed).to.equal(false);
		expect(gate({ verdict, fingerprint, approval: null, confirmed: 'something-else' }).proceed).to.equal(false);
		const confirmed = gate({ verdict, fingerprint, approval: null, confirmed: fingerprint });
		expect(confirmed).to.deep.include({ proceed: true, basis: 'confirmed' });
	});

	it('lets a continuing pass through while it takes no more than was approved', () => {
		const p = planOf(drop);
		const verdict = checkSafety(p, actual, { safetyLimit: 0.2 });
		const counts = destructiveCounts(verdict.figures);
		expect(counts.memberships).to.equal(3);
		expect(gate({ verdict, fingerprint: 'x', approval: counts, confirmed: null })).to.deep.include({
			proceed: true,
			basis: 'approved-pass',
		});
		expect(gate({ verdict, fingerprint: 'x', approval: { ...counts, memberships: 2 }, confirmed: null }).proceed).to.equal(false);
		expect(withinCounts(counts, { ...counts, rooms: 1 })).to.equal(true);
	});

	it('keeps a floor of small counts, except with a limit of 0', () => {
		expect(safetyFloor(0.2)).to.equal(SAFETY_MINIMUM_COUNT);
		expect(safetyFloor(0)).to.equal(0);
	});
});

describe('sync run support: the account allocator', () => {
	it('names new accounts as single sign-on does, unique against existing accounts and its own answers', () => {
		const allocate = accountAllocator({ usernames: ['john.smith'], emails: [{ email: 'john@example.org', owner: 'u1' }] });
		expect(allocate(person('x', { firstName: 'John', lastName: 'Smith', email: 'john@example.org' }))).to.deep.equal({
			username: 'john.smith2',
			email: 'john+rc1@example.org',
		});
		expect(allocate(person('y', { firstName: 'John', lastName: 'Smith', email: 'john@example.org' }))).to.deep.equal({
			username: 'john.smith3',
			email: 'john+rc2@example.org',
		});
		expect(allocate(person('z', { firstName: 'Zoë', lastName: "O'Brien", email: 'zoe@example.org' }))).to.deep.equal({
			username: 'zoe.obrien',
			email: 'zoe@example.org',
		});
		expect(allocate(person('w', { email: 'not-an-address' }))).to.have.property('error');
	});
});
