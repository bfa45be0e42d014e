/**
 * Two-factor authentication of the sandbox's users, checked at login as Rocket.Chat checks it
 * (apps/meteor/app/2fa/server/code): a user who turned it on must send a code with the password,
 * either the current code of an authenticator app (TOTP, RFC 6238: HMAC-SHA1, 30 s steps, 6 digits,
 * one step of clock drift accepted) or a code the server e-mails on the first login attempt without
 * one. The sandbox has no mail server: the e-mailed code is kept, for tests, as the user's mailbox.
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';

const STEP_S = 30;
const EMAIL_CODE_TTL_MS = 60 * 60 * 1000;
/** Rocket.Chat's default `Accounts_TwoFactorAuthentication_Max_Invalid_Email_Code_Attempts`. */
const MAX_EMAIL_ATTEMPTS = 5;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Rocket.Chat's Meteor.Error of a refused 2FA check: `error`, `reason` and `details`. */
export class TwoFactorError extends Error {
	constructor(
		readonly error: 'totp-required' | 'totp-invalid' | 'totp-max-attempts',
		readonly reason: string,
		readonly details: Record<string, unknown>,
	) {
		super(reason);
	}
}

export function base32Decode(text: string): Buffer {
	const clean = text.replace(/=+$/, '').toUpperCase();
	let bits = 0;
	let value = 0;
	const out: number[] = [];
	for (const ch of clean) {
		const idx = BASE32.indexOf(ch);
		if (idx < 0) throw new Error(`invalid base32 character ${ch}`);
		value = (value << 5) | idx;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

function base32Encode(bytes: Buffer): string {
	let bits = 0;
	let value = 0;
	let out = '';
	for (const b of bytes) {
		value = (value << 8) | b;
		bits += 8;
		while (bits >= 5) {
			out += BASE32[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
	return out;
}

/** The TOTP code of a base32 secret at a time (RFC 6238 with RFC 4226's dynamic truncation). */
export function totpCode(secret: string, at = Date.now(), digits = 6): string {
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / STEP_S)));
	const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
	const offset = mac[mac.length - 1] & 0x0f;
	const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
	return String(binary).padStart(digits, '0');
}

interface EmailCode {
	code: string;
	expire: number;
	invalid: number;
}

export class TwoFactor {
	/**
	 * @param hasVerifiedEmail whether a user has a verified e-mail address: codes by e-mail apply only then
	 * (Rocket.Chat's EmailCheck.isEnabled); every user has one when not given.
	 */
	constructor(private readonly hasVerifiedEmail: (userId: string) => boolean = () => true) {}

	private readonly totpSecrets = new Map<string, string>();
	private readonly emailUsers = new Set<string>();
	private readonly emailCodes = new Map<string, EmailCode>();
	/** Codes "sent" by e-mail, newest last, by user id. */
	private readonly mailbox = new Map<string, string[]>();

	/** Turns on TOTP for a user (as after scanning the QR code); returns the base32 secret. */
	enableTotp(userId: string): string {
		const secret = base32Encode(randomBytes(20));
		this.totpSecrets.set(userId, secret);
		return secret;
	}

	/** Turns on codes by e-mail for a user (Rocket.Chat's `services.email2fa.enabled`). */
	enableEmail(userId: string): void {
		this.emailUsers.add(userId);
	}

	/** The user's second factors, as `GET me` lists them in `services`. */
	methodsOf(userId: string): { totp: boolean; email: boolean } {
		return { totp: this.totpSecrets.has(userId), email: this.emailUsers.has(userId) };
	}

	disable(userId: string): void {
		this.totpSecrets.delete(userId);
		this.emailUsers.delete(userId);
		this.emailCodes.delete(userId);
	}

	/** The codes e-mailed to a user, oldest first. */
	emailsOf(userId: string): string[] {
		return [...(this.mailbox.get(userId) ?? [])];
	}

	/**
	 * Rocket.Chat's `checkCodeForUser` at login: nothing to check when the user has no second factor
	 * (or `enabled` is false, the `Accounts_TwoFactorAuthentication_Enabled` setting); TOTP first,
	 * then e-mail (for a user with a verified address). Throws TwoFactorError.
	 */
	check(userId: string, code: string | undefined, enabled = true, now = Date.now()): void {
		if (!enabled) return;
		const available = [
			...(this.totpSecrets.has(userId) ? ['totp'] : []),
			...(this.emailUsers.has(userId) && this.hasVerifiedEmail(userId) ? ['email'] : []),
		];
		const method = available[0];
		if (!method) return;
		if (method === 'totp') {
			if (!code) throw new TwoFactorError('totp-required', 'TOTP Required', { method, availableMethods: available });
			const secret = this.totpSecrets.get(userId) as string;
			const given = code.replace(/\s/g, '');
			const ok = [-1, 0, 1].some((drift) => totpCode(secret, now + drift * STEP_S * 1000) === given);
			if (!ok) throw new TwoFactorError('totp-invalid', 'TOTP Invalid', { method, availableMethods: available });
			return;
		}
		const current = this.emailCodes.get(userId);
		if (!code) {
			// A code with more than 5 minutes left is not sent again (EmailCheck.processInvalidCode).
			if (current && current.expire - 5 * 60 * 1000 > now && current.invalid < MAX_EMAIL_ATTEMPTS) {
				throw new TwoFactorError('totp-required', 'TOTP Required', { method, codeGenerated: false, availableMethods: available });
			}
			const fresh = String(randomInt(0, 1_000_000)).padStart(6, '0');
			this.emailCodes.set(userId, { code: fresh, expire: now + EMAIL_CODE_TTL_MS, invalid: 0 });
			this.mailbox.set(userId, [...(this.mailbox.get(userId) ?? []), fresh]);
			throw new TwoFactorError('totp-required', 'TOTP Required', { method, codeGenerated: true, availableMethods: available });
		}
		if (current && current.invalid >= MAX_EMAIL_ATTEMPTS) {
			throw new TwoFactorError('totp-max-attempts', 'TOTP Maximun Failed Attempts Reached', { method, availableMethods: available });
		}
		if (!current || current.expire < now || current.code !== code.replace(/\D/g, '')) {
			if (current) current.invalid++;
			throw new TwoFactorError('totp-invalid', 'TOTP Invalid', { method, availableMethods: available });
		}
		this.emailCodes.delete(userId);
	}
}
