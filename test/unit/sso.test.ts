import { expect } from 'chai';

import { conflictField, decideSso, displayNameOf } from '../../core/sso';

describe('sso decisions', () => {
	const now = 1_000_000;

	it('provisions unknown people only when self-registration is on', () => {
		expect(decideSso({ requestActive: true, selfRegistration: true, now })).to.deep.equal({ kind: 'provision' });
		expect(decideSso({ requestActive: true, selfRegistration: false, now })).to.deep.equal({ kind: 'registration-disabled' });
	});

	it('answers account-inactive for an inactive person without asking the server during the cool-down', () => {
		const record = { userId: 'u1', active: false, inactiveUntil: now + 1 };
		expect(decideSso({ record, requestActive: true, selfRegistration: true, now })).to.deep.equal({
			kind: 'inactive',
			checkServer: false,
		});
		expect(decideSso({ requestActive: false, selfRegistration: true, now })).to.deep.equal({ kind: 'inactive', checkServer: false });
	});

	it('asks for a token again once the inactive cool-down is over', () => {
		const record = { userId: 'u1', active: false, inactiveUntil: now - 1 };
		expect(decideSso({ record, requestActive: true, selfRegistration: true, now })).to.deep.equal({ kind: 'token', userId: 'u1' });
	});

	it('does not hammer Rocket.Chat after a failure: the same reference during the cool-down', () => {
		const record = { userId: 'u1', active: true };
		const cooldown = { until: now + 60_000, reference: 'log-1' };
		expect(decideSso({ record, cooldown, requestActive: true, selfRegistration: true, now })).to.deep.equal({
			kind: 'cooling-down',
			reference: 'log-1',
		});
		expect(decideSso({ record, cooldown, requestActive: true, selfRegistration: true, now: now + 60_001 }).kind).to.equal('token');
		// Unknown people whose creation failed are not retried during the cool-down either.
		expect(decideSso({ cooldown, requestActive: true, selfRegistration: true, now }).kind).to.equal('cooling-down');
	});

	it('tells which field a conflict is about', () => {
		expect(conflictField('jane@example.org is already in use :(', 'jane.doe', 'jane@example.org')).to.equal('email');
		expect(conflictField('jane.doe is already in use :(', 'jane.doe', 'jane@example.org')).to.equal('username');
		expect(conflictField('Email already exists', 'x', 'y@z.org')).to.equal('email');
		expect(conflictField(undefined, 'x', 'y@z.org')).to.equal(undefined);
	});

	it('builds display names', () => {
		expect(displayNameOf(' Zoë ', "O'Brien ")).to.equal("Zoë O'Brien");
	});
});
