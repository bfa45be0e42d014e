import { expect } from 'chai';

import { compileFilter } from '../../../core/scim/filter';
import { ScimError } from '../../../core/scim/types';

type Json = Record<string, unknown>;

const users: Json[] = [
	{
		id: 'u1',
		userName: 'Bjensen@Example.com',
		externalId: 'X-1',
		displayName: 'Babs Jensen',
		name: { givenName: 'Barbara', familyName: 'Jensen' },
		emails: [
			{ value: 'bjensen@example.com', type: 'work', primary: true },
			{ value: 'babs@jensen.org', type: 'home' },
		],
		active: true,
		meta: { created: '2011-05-13T04:42:34Z', lastModified: '2011-05-13T04:42:34Z' },
	},
	{
		id: 'u2',
		userName: 'jsmith',
		displayName: 'John Smith',
		name: { givenName: 'John', familyName: 'Smith' },
		emails: [{ value: 'john@smith.example', type: 'work' }],
		active: false,
		meta: { created: '2020-01-01T00:00:00Z', lastModified: '2024-06-01T12:00:00.500Z' },
	},
	{ id: 'u3', userName: 'nomail', active: true, meta: { created: '2021-01-01T00:00:00Z', lastModified: '2021-01-01T00:00:00Z' } },
];

const ids = (filter: string, kind: 'User' | 'Group' = 'User', rows: Json[] = users): string[] =>
	rows.filter(compileFilter(kind, filter).test).map((u) => u.id as string);

function refused(filter: string, kind: 'User' | 'Group' = 'User'): ScimError {
	try {
		compileFilter(kind, filter);
	} catch (err) {
		expect(err).to.be.instanceOf(ScimError);
		return err as ScimError;
	}
	throw new Error(`"${filter}" was accepted`);
}

describe('SCIM filters (RFC 7644 §3.4.2.2)', () => {
	const table: Array<[string, string[]]> = [
		['userName eq "bjensen@example.com"', ['u1']],
		['USERNAME EQ "BJENSEN@EXAMPLE.COM"', ['u1']],
		['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "jsmith"', ['u2']],
		['userName ne "jsmith"', ['u1', 'u3']],
		['userName co "jen"', ['u1']],
		['userName sw "J"', ['u2']],
		['userName ew ".com"', ['u1']],
		['externalId eq "X-1"', ['u1']],
		['externalId eq "x-1"', []],
		['externalId pr', ['u1']],
		['not (externalId pr)', ['u2', 'u3']],
		['emails.value eq "babs@jensen.org"', ['u1']],
		['emails eq "john@smith.example"', ['u2']],
		['emails[type eq "work" and value co "smith"]', ['u2']],
		['emails[type eq "home"]', ['u1']],
		['emails pr', ['u1', 'u2']],
		['displayName eq "babs jensen"', ['u1']],
		['name.familyName eq "Smith" or name.givenName eq "Barbara"', ['u1', 'u2']],
		['active eq true', ['u1', 'u3']],
		['active eq false and userName sw "j"', ['u2']],
		['meta.lastModified gt "2023-01-01T00:00:00Z"', ['u2']],
		['meta.lastModified ge "2011-05-13T04:42:34Z"', ['u1', 'u2', 'u3']],
		['meta.lastModified lt "2011-05-13T04:42:35Z"', ['u1']],
		['meta.created le "2020-01-01T00:00:00Z"', ['u1', 'u2']],
		['userName gt "k"', ['u3']],
		['(userName eq "jsmith" or userName eq "nomail") and not (active eq false)', ['u3']],
		['userName eq "jsmith" or userName eq "nomail" and active eq false', ['u2']],
	];
	for (const [filter, expected] of table) {
		it(`${filter} -> ${expected.join(', ') || 'nothing'}`, () => {
			expect(ids(filter)).to.deep.equal(expected);
		});
	}

	it('filters groups by members.value, displayName and meta.lastModified', () => {
		const groups: Json[] = [
			{ id: 'g1', displayName: 'Choir', members: [{ value: 'u1' }, { value: 'u2' }], meta: { lastModified: '2024-01-01T00:00:00Z' } },
			{ id: 'g2', displayName: 'Youth', members: [], meta: { lastModified: '2025-01-01T00:00:00Z' } },
		];
		expect(ids('members.value eq "u2"', 'Group', groups)).to.deep.equal(['g1']);
		expect(ids('members[value eq "u1"]', 'Group', groups)).to.deep.equal(['g1']);
		expect(ids('displayName eq "youth"', 'Group', groups)).to.deep.equal(['g2']);
		expect(ids('meta.lastModified gt "2024-06-01T00:00:00Z"', 'Group', groups)).to.deep.equal(['g2']);
		expect(ids('not (members pr)', 'Group', groups)).to.deep.equal(['g2']);
	});

	it('reports the eq conditions an index can answer', () => {
		expect(compileFilter('User', 'userName eq "A" and active eq true').hints).to.deep.equal([{ path: 'userName', value: 'A' }]);
		expect(compileFilter('User', 'userName eq "A" or userName eq "B"').hints).to.deep.equal([]);
		expect(compileFilter('Group', 'members[value eq "u1"]').hints).to.deep.equal([{ path: 'members.value', value: 'u1' }]);
		expect(compileFilter('Group', 'members eq "u1"').hints).to.deep.equal([{ path: 'members.value', value: 'u1' }]);
	});

	const bad: Array<[string, string?]> = [
		['userName eq'],
		['userName zz "x"'],
		['(userName eq "x"'],
		['userName eq "x" and'],
		['password eq "x"'],
		['nosuch pr'],
		['name.nosuch eq "x"'],
		['members.value eq "x"'],
		['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x"'],
		['active co "t"'],
		['active eq "true"'],
		['meta.lastModified gt "yesterday"'],
		['meta.lastModified sw "2011"'],
		['userName eq 5'],
		['emails[value eq "a"][type eq "b"]'],
		[''],
		['x'.repeat(5000)],
	];
	for (const [filter] of bad) {
		it(`refuses ${JSON.stringify(filter.slice(0, 60))} with 400 invalidFilter`, () => {
			const err = refused(filter);
			expect(err.status).to.equal(400);
			expect(err.scimType).to.equal('invalidFilter');
		});
	}
});
