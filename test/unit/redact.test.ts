import { expect } from 'chai';

import { redact } from '../../adapters/persistence/LogRepository';

describe('log redaction', () => {
	it('removes credentials in the shapes they appear in', () => {
		const line = 'login failed {"password":"hunter2","authToken":"abc.def"} X-Auth-Token: zzz Bearer k3y resumeToken=tok123&x=1';
		const out = redact(line);
		for (const secret of ['hunter2', 'abc.def', 'zzz', 'k3y', 'tok123']) expect(out).to.not.include(secret);
		expect(out).to.include('login failed');
	});

	it('keeps ordinary messages as they are', () => {
		expect(redact('users.create: bad-request (HTTP 400) [error-field-unavailable]')).to.equal(
			'users.create: bad-request (HTTP 400) [error-field-unavailable]',
		);
	});
});
