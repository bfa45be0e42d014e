/**
 * Transport rules (contract: "Transport"): outbound URLs that carry a secret (the feed and chat
 * history with the outbound key, the REST base URL with the admin token) must be `https`, except on a
 * loopback address (the same machine: nothing crosses a network). Bearer keys have at least
 * {@link MIN_KEY_LENGTH} characters.
 */

export const MIN_KEY_LENGTH = 32;

/** `localhost` (and its subdomains), 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackHost(hostname: string): boolean {
	const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	if (h === 'localhost' || h.endsWith('.localhost')) return true;
	if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
	const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
	return v4 !== null && Number(v4[1]) === 127 && v4.slice(2).every((x) => Number(x) <= 255);
}

export type UrlProblem = 'not-a-url' | 'not-https';

/** Why `url` may not carry a secret, or null: an `https` URL, or `http` to a loopback address. */
export function secureUrlProblem(url: string): UrlProblem | null {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		return 'not-a-url';
	}
	if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') return 'not-a-url';
	if (u.protocol === 'https:') return null;
	return isLoopbackHost(u.hostname) ? null : 'not-https';
}
