/**
 * Signed links to the report page. A link carries who it was made for and until when it is valid,
 * signed with HMAC-SHA256 under a key only the app holds: `v1.<payload>.<mac>` in base64url. No API
 * key or session token ever reaches the browser; an altered, foreign or expired link is refused.
 */
import { createHmac, timingSafeEqual } from 'crypto';

/** How long a link is valid. */
export const LINK_TTL_MS = 15 * 60_000;
/** Tolerated clock difference between the instance that signed and the one that checks. */
const SKEW_MS = 60_000;

export interface LinkClaims {
	/** The admin the link was made for. */
	readonly userId: string;
	/** Expiry (ms epoch). */
	readonly exp: number;
}

const mac = (key: Buffer, payload: string): Buffer => createHmac('sha256', key).update(`report-link.v1.${payload}`, 'utf8').digest();

export function signLink(key: Buffer, userId: string, now: number, ttlMs = LINK_TTL_MS): string {
	const payload = Buffer.from(JSON.stringify({ u: userId, e: now + ttlMs }), 'utf8').toString('base64url');
	return `v1.${payload}.${mac(key, payload).toString('base64url')}`;
}

export type LinkVerdict = { ok: true; claims: LinkClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/** Checks a link's signature (constant time) and expiry. */
export function verifyLink(key: Buffer | undefined, token: unknown, now: number): LinkVerdict {
	if (typeof token !== 'string' || token.length > 512) return { ok: false, reason: 'malformed' };
	const parts = token.split('.');
	if (parts.length !== 3 || parts[0] !== 'v1' || !/^[A-Za-z0-9_-]+$/.test(parts[1]) || !/^[A-Za-z0-9_-]+$/.test(parts[2]))
		return { ok: false, reason: 'malformed' };
	if (!key) return { ok: false, reason: 'forged' };
	const given = Buffer.from(parts[2], 'base64url');
	const expected = mac(key, parts[1]);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
	let claims: { u?: unknown; e?: unknown };
	try {
		claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof claims;
	} catch {
		return { ok: false, reason: 'malformed' };
	}
	if (typeof claims.u !== 'string' || typeof claims.e !== 'number') return { ok: false, reason: 'malformed' };
	if (claims.e <= now || claims.e > now + LINK_TTL_MS + SKEW_MS) return { ok: false, reason: 'expired' };
	return { ok: true, claims: { userId: claims.u, exp: claims.e } };
}
