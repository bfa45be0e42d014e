import { expect } from 'chai';
import fc from 'fast-check';

import { decryptSecret, encryptSecret, randomPassword } from '../../adapters/crypto';

describe('credential encryption', () => {
	it('round-trips any text, with a fresh salt and IV each time', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 64 }), (plain, secret) => {
				const a = encryptSecret(plain, secret);
				const b = encryptSecret(plain, secret);
				return a !== b && decryptSecret(a, secret) === plain && decryptSecret(b, secret) === plain;
			}),
			{ numRuns: 50 },
		);
	});

	it('refuses the wrong secret and an altered value', () => {
		const sealed = encryptSecret('p4ssw0rd', 'secret-one');
		expect(decryptSecret(sealed, 'secret-two')).to.equal(undefined);
		const raw = Buffer.from(sealed.slice(3), 'base64url');
		raw[raw.length - 1] ^= 1;
		expect(decryptSecret(`v1.${raw.toString('base64url')}`, 'secret-one')).to.equal(undefined);
		expect(decryptSecret('garbage', 'secret-one')).to.equal(undefined);
	});

	it('never contains the plain text', () => {
		const sealed = encryptSecret('very-visible-password', 'k');
		expect(sealed).to.not.include('very-visible-password');
		expect(Buffer.from(sealed.slice(3), 'base64url').toString('utf8')).to.not.include('very-visible-password');
	});

	it('makes strong, distinct passwords', () => {
		const a = randomPassword();
		expect(a).to.have.length.greaterThan(30);
		expect(a).to.not.equal(randomPassword());
	});
});
