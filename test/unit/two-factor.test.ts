import { expect } from 'chai';

import { base32Decode, totpCode, TwoFactor, TwoFactorError } from '../../sandbox/world/twoFactor';

/** RFC 6238 appendix B: the SHA-1 secret "12345678901234567890", in base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

function refusal(fn: () => void): TwoFactorError {
	try {
		fn();
	} catch (err) {
		if (err instanceof TwoFactorError) return err;
		throw err;
	}
	throw new Error('expected a refusal');
}

describe('sandbox two-factor authentication', () => {
	it('computes the RFC 6238 SHA-1 test vectors', () => {
		expect(base32Decode(RFC_SECRET).toString('ascii')).to.equal('12345678901234567890');
		const vectors: Array<[number, string]> = [
			[59, '94287082'],
			[1111111109, '07081804'],
			[1111111111, '14050471'],
			[1234567890, '89005924'],
			[2000000000, '69279037'],
		];
		for (const [seconds, code] of vectors) expect(totpCode(RFC_SECRET, seconds * 1000, 8), `T=${seconds}`).to.equal(code);
	});

	it('asks a TOTP user for a code, accepts the current one (one step of drift) and refuses others', () => {
		const tf = new TwoFactor();
		const now = 1_700_000_000_000;
		tf.check('nobody', undefined, true, now);
		const secret = tf.enableTotp('u1');
		expect(refusal(() => tf.check('u1', undefined, true, now))).to.include({ error: 'totp-required' });
		expect(refusal(() => tf.check('u1', undefined, true, now)).details).to.deep.equal({ method: 'totp', availableMethods: ['totp'] });
		tf.check('u1', totpCode(secret, now), true, now);
		tf.check('u1', totpCode(secret, now - 30_000), true, now);
		expect(refusal(() => tf.check('u1', totpCode(secret, now - 90_000), true, now))).to.include({ error: 'totp-invalid' });
		// The server-wide switch off: no second factor asked.
		tf.check('u1', undefined, false, now);
	});

	it('e-mails a code on a login without one, keeps it for a second attempt, and refuses a wrong one', () => {
		const tf = new TwoFactor();
		const now = 1_700_000_000_000;
		tf.enableEmail('u2');
		expect(refusal(() => tf.check('u2', undefined, true, now)).details).to.include({ method: 'email', codeGenerated: true });
		const [code] = tf.emailsOf('u2');
		expect(code).to.match(/^\d{6}$/);
		// Asked again within its lifetime: not sent again.
		expect(refusal(() => tf.check('u2', undefined, true, now + 1000)).details).to.include({ codeGenerated: false });
		expect(tf.emailsOf('u2')).to.have.length(1);
		const wrong = code === '000000' ? '111111' : '000000';
		expect(refusal(() => tf.check('u2', wrong, true, now))).to.include({ error: 'totp-invalid' });
		tf.check('u2', `${code.slice(0, 3)}-${code.slice(3)}`, true, now);
		// Used once.
		expect(refusal(() => tf.check('u2', code, true, now))).to.include({ error: 'totp-invalid' });
	});
});
