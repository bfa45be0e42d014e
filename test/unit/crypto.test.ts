import { expect } from 'chai';
import fc from 'fast-check';

import { decryptSecret, encryptSecret, keyId, randomPassword } from '../../adapters/crypto';

const SECRET = 'a-credential-secret-of-32-chars-at-least';
const OLD = 'the-previous-credential-secret-0123456789';

describe('credential encryption', () => {
	it('round-trips any text for its account, with a fresh salt and IV each time', () => {
		fc.assert(
			fc.property(
				fc.string({ maxLength: 200 }),
				fc.string({ minLength: 32, maxLength: 64 }),
				fc.string({ minLength: 1, maxLength: 20 }),
				(plain, secret, userId) => {
					const a = encryptSecret(plain, secret, userId);
					const b = encryptSecret(plain, secret, userId);
					return (
						a !== b &&
						decryptSecret(a, [secret], userId)?.plain === plain &&
						decryptSecret(b, [secret], userId)?.plain === plain
					);
				},
			),
			{ numRuns: 50 },
		);
	});

	it('binds a value to its account: copied onto another account it does not open', () => {
		const sealed = encryptSecret('p4ssw0rd', SECRET, 'user-a');
		expect(decryptSecret(sealed, [SECRET], 'user-a')?.plain).to.equal('p4ssw0rd');
		expect(decryptSecret(sealed, [SECRET], 'user-b')).to.equal(undefined);
	});

	it('refuses the wrong secret, an altered value, a changed key id and the old format', () => {
		const sealed = encryptSecret('p4ssw0rd', SECRET, 'u1');
		expect(decryptSecret(sealed, ['another-secret-that-is-32-chars-long!'], 'u1')).to.equal(undefined);
		const [v, kid, payload] = sealed.split('.');
		const raw = Buffer.from(payload, 'base64url');
		raw[raw.length - 1] ^= 1;
		expect(decryptSecret(`${v}.${kid}.${raw.toString('base64url')}`, [SECRET], 'u1')).to.equal(undefined);
		expect(decryptSecret(`${v}.${keyId(OLD)}.${payload}`, [SECRET, OLD], 'u1')).to.equal(undefined);
		expect(decryptSecret(`v1.${payload}`, [SECRET], 'u1')).to.equal(undefined);
		expect(decryptSecret('garbage', [SECRET], 'u1')).to.equal(undefined);
		expect(decryptSecret(sealed, [], 'u1')).to.equal(undefined);
	});

	it('rotates: a value under an earlier secret still opens, and says it is not under the current one', () => {
		const old = encryptSecret('p4ssw0rd', OLD, 'u1');
		expect(old.split('.')[1]).to.equal(keyId(OLD));
		expect(decryptSecret(old, [SECRET, OLD], 'u1')).to.deep.equal({ plain: 'p4ssw0rd', current: false });
		const current = encryptSecret('p4ssw0rd', SECRET, 'u1');
		expect(decryptSecret(current, [SECRET, OLD], 'u1')).to.deep.equal({ plain: 'p4ssw0rd', current: true });
		// Once the old secret is dropped, its values no longer open.
		expect(decryptSecret(old, [SECRET], 'u1')).to.equal(undefined);
		expect(keyId(SECRET)).to.not.equal(keyId(OLD));
		expect(keyId(SECRET)).to.not.include(SECRET.slice(0, 8));
	});

	it('never contains the plain text', () => {
		const sealed = encryptSecret('very-visible-password', SECRET, 'u1');
		expect(sealed).to.not.include('very-visible-password');
		expect(Buffer.from(sealed.split('.')[2], 'base64url').toString('utf8')).to.not.include('very-visible-password');
	});

	it('makes strong, distinct passwords', () => {
		const a = randomPassword();
		expect(a).to.have.length.greaterThan(30);
		expect(a).to.not.equal(randomPassword());
	});
});
