import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'crypto';

const VERSION = 'v2';

function keyFor(secret: string, salt: Buffer): Buffer {
	return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), salt, Buffer.from('rocket-integration credential', 'utf8'), 32));
}

/**
 * The id of a secret, stored with every value it encrypts so the right secret is found after a
 * rotation: 8 hex characters of an HMAC keyed with the secret (it tells secrets apart without
 * revealing anything usable about them).
 */
export function keyId(secret: string): string {
	return createHmac('sha256', secret).update('rocket-integration key id', 'utf8').digest('hex').slice(0, 8);
}

/** The associated data of a value: it is bound to its version, key id and the account it belongs to. */
function aad(kid: string, userId: string): Buffer {
	return Buffer.from(`rocket-integration credential|${VERSION}|${kid}|${userId}`, 'utf8');
}

/**
 * Encrypts a stored credential for one account: AES-256-GCM, key derived with HKDF-SHA256 from the
 * secret and a random salt per value, the account's user id as associated data (a value copied onto
 * another account's record does not decrypt there). The result is
 * `v2.<key id>.<base64url of salt|iv|tag|ciphertext>`.
 */
export function encryptSecret(plain: string, secret: string, userId: string): string {
	const kid = keyId(secret);
	const salt = randomBytes(16);
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', keyFor(secret, salt), iv);
	cipher.setAAD(aad(kid, userId));
	const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	const tag = cipher.getAuthTag();
	return `${VERSION}.${kid}.${Buffer.concat([salt, iv, tag, ct]).toString('base64url')}`;
}

export interface Opened {
	readonly plain: string;
	/** True when the value was encrypted with the first (current) secret; false: re-encrypt it. */
	readonly current: boolean;
}

/**
 * Decrypts what encryptSecret produced for `userId`, with the secret whose key id the value names
 * (`secrets[0]` is the current one, the others earlier ones still accepted). Undefined when no given
 * secret opens it, the value was altered, or it belongs to another account.
 */
export function decryptSecret(sealed: string, secrets: ReadonlyArray<string>, userId: string): Opened | undefined {
	const parts = sealed.split('.');
	if (parts.length !== 3 || parts[0] !== VERSION || !/^[0-9a-f]{8}$/.test(parts[1])) return undefined;
	const [, kid, payload] = parts;
	const raw = Buffer.from(payload, 'base64url');
	if (raw.length < 16 + 12 + 16) return undefined;
	const salt = raw.subarray(0, 16);
	const iv = raw.subarray(16, 28);
	const tag = raw.subarray(28, 44);
	const ct = raw.subarray(44);
	for (let i = 0; i < secrets.length; i++) {
		if (keyId(secrets[i]) !== kid) continue;
		try {
			const decipher = createDecipheriv('aes-256-gcm', keyFor(secrets[i], salt), iv);
			decipher.setAAD(aad(kid, userId));
			decipher.setAuthTag(tag);
			const plain = Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
			return { plain, current: i === 0 };
		} catch {
			// Another secret may share the key id (8 hex characters): keep looking.
		}
	}
	return undefined;
}

/** A strong random password: 24 random bytes, base64url, plus classes some password policies ask for. */
export function randomPassword(): string {
	return `${randomBytes(24).toString('base64url')}a1A!`;
}

/** A stable fingerprint (not reversible) used to recognise a value without storing it. */
export function fingerprint(value: string): string {
	return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16);
}
