import { expect } from 'chai';

import { clampPage, destructiveSummary, filterItems, pageOf, previewPlan } from '../../../core/admin/planPreview';
import { SyncOp } from '../../../core/sync/types';

const names = {
	person: (id: string) => ({ p1: 'Ann Lee', p2: 'Bob Roe', p3: 'Cy Do' })[id],
	room: (key: string) => ({ youth: 'youth-group' })[key],
};

const ops: SyncOp[] = [
	{ kind: 'createUser', externalId: 'p3', username: 'cy.do', email: 'c@x', requestedEmail: 'c@x', name: 'Cy Do', nickname: null },
	{ kind: 'createRoom', groupKey: 'choir', name: 'choir', topic: null },
	{ kind: 'addMember', externalId: 'p3', userId: null, username: 'cy.do', groupKey: 'choir', roomId: null },
	{ kind: 'removeMember', externalId: 'p1', userId: 'u1', username: 'ann.lee', groupKey: 'youth', roomId: 'r1' },
	{ kind: 'addRole', externalId: 'p2', userId: 'u2', username: 'bob.roe', roleName: 'teacher' },
	{ kind: 'deactivateUser', externalId: 'p2', userId: 'u2', username: 'bob.roe', reason: 'no-groups' },
	{ kind: 'removeMember', externalId: 'p9', userId: 'u9', username: 'zed', groupKey: 'gone', roomId: 'r9' },
];

describe('pending plan by name', () => {
	it('names every change, what takes access away first, in the plan order within a kind', () => {
		const p = previewPlan(ops, names);
		expect(p.total).to.equal(7);
		expect(p.items.map((i) => i.kind)).to.deep.equal([
			'deactivateUser',
			'removeMember',
			'removeMember',
			'createUser',
			'createRoom',
			'addMember',
			'addRole',
		]);
		expect(p.items[0]).to.deep.include({ who: 'Bob Roe', username: 'bob.roe', reason: 'no-groups' });
		expect(p.items[1]).to.deep.include({ who: 'Ann Lee', target: 'youth-group' });
		// Unknown names fall back to the username, unknown rooms to the group key; a room the plan creates is named by it.
		expect(p.items[2]).to.deep.include({ who: 'zed', target: 'gone' });
		expect(p.items[5]).to.deep.include({ who: 'Cy Do', target: 'choir' });
		expect(p.byKind).to.deep.equal({ createUser: 1, createRoom: 1, addMember: 1, removeMember: 2, addRole: 1, deactivateUser: 1 });
	});

	it('lists at most `max` items but counts them all', () => {
		const p = previewPlan(ops, names, 3);
		expect(p.items).to.have.length(3);
		expect(p.total).to.equal(7);
	});

	it('pages safely whatever the offset and count asked', () => {
		expect(clampPage(undefined, undefined, 100, 50, 20)).to.deep.equal({ offset: 0, count: 20 });
		expect(clampPage('40', '500', 100, 50)).to.deep.equal({ offset: 40, count: 50 });
		expect(clampPage(-3, 0, 100, 50, 10)).to.deep.equal({ offset: 0, count: 10 });
		expect(clampPage(1000, 20, 95, 50)).to.deep.equal({ offset: 80, count: 20 });
		expect(clampPage(5, 'x', 0, 50, 10)).to.deep.equal({ offset: 0, count: 10 });
		const page = pageOf([1, 2, 3, 4, 5], 3, 2);
		expect(page).to.deep.equal({ offset: 3, count: 2, total: 5, items: [4, 5] });
	});

	it('filters by kind and summarises what takes access away for the log', () => {
		const p = previewPlan(ops, names);
		expect(filterItems(p.items, ['removeMember']).map((i) => i.who)).to.deep.equal(['Ann Lee', 'zed']);
		expect(filterItems(p.items, [])).to.have.length(7);
		expect(destructiveSummary(p, 1)).to.deep.equal([
			'deactivateUser: Bob Roe (@bob.roe)',
			'removeMember: Ann Lee (@ann.lee) · youth-group and 1 more',
		]);
	});

	it('previews 10,000 changes in linear time (a smoke bound, the figure is in npm run bench)', () => {
		const many: SyncOp[] = Array.from({ length: 10_000 }, (_, i) => ({
			kind: 'removeMember',
			externalId: `p${i}`,
			userId: `u${i}`,
			username: `user${i}`,
			groupKey: 'youth',
			roomId: 'r1',
		}));
		const p = previewPlan(many, names);
		expect(p.items).to.have.length(10_000);
		expect(p.items[9_999].who).to.equal('user9999');
	});
});
