import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'crypto';

const VERSION = 'v1';

function keyFor(secret: string, salt: Buffer): Buffer {
	return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), salt, Buffer.from('rocket-integration credential', 'utf8'), 32));
}

/**
 * Encrypts a stored credential (AES-256-GCM, key derived with HKDF-SHA256 from the secret setting
 * and a random salt per value). The result is `v1.<base64url of salt|iv|tag|ciphertext>`.
 */
export function encryptSecret(plain: string, secret: string): string {
	const salt = randomBytes(16);
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', keyFor(secret, salt), iv);
	const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	const tag = cipher.getAuthTag();
	return `${VERSION}.${Buffer.concat([salt, iv, tag, ct]).toString('base64url')}`;
}

/** Decrypts what encryptSecret produced; undefined when the secret changed or the value was altered. */
export function decryptSecret(sealed: string, secret: string): string | undefined {
	const [version, payload] = sealed.split('.', 2);
	if (version !== VERSION || !payload) return undefined;
	const raw = Buffer.from(payload, 'base64url');
	if (raw.length < 16 + 12 + 16) return undefined;
	const salt = raw.subarray(0, 16);
	const iv = raw.subarray(16, 28);
	const tag = raw.subarray(28, 44);
	const ct = raw.subarray(44);
	try {
		const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, salt), iv);
		decipher.setAuthTag(tag);
		return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
	} catch {
		return undefined;
	}
}

/** A strong random password: 24 random bytes, base64url, plus classes some password policies ask for. */
export function randomPassword(): string {
	return `${randomBytes(24).toString('base64url')}a1A!`;
}

/** A short, non-secret reference for log entries and error replies. */
export function newReference(prefix = 'log'): string {
	return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A stable fingerprint (not reversible) used to recognise a value without storing it. */
export function fingerprint(value: string): string {
	return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16);
}
