/**
 * E-mail addresses for accounts (external API, "POST sso/token"): if the address is taken by a
 * different account, `local+rc1@domain`, `local+rc2@domain`, ... Pure: no I/O, no clock.
 *
 * Decisions the contract leaves open (each one is tested in test/unit/identity.test.ts):
 * - Shape: surrounding white space is trimmed; otherwise the address must be `local@domain` with an
 *   ASCII dot-atom local part (RFC 5322 `atext` and single inner dots, at most 64 characters) and a
 *   domain of at least two LDH labels (1-63 characters, no hyphen at either end) whose last label is
 *   not all digits, at most 254 characters in all. That is a subset of what Rocket.Chat's own `rfc`
 *   check accepts. Quoted local parts, IP-literal domains, dotless hosts and non-ASCII addresses are
 *   refused with a typed error (send an internationalised domain in its `xn--` form).
 * - Case: comparisons are case-insensitive (the whole address is lower-cased into a `key`); the
 *   address handed out keeps the casing it was given, local part and domain alike.
 * - An existing `+tag` stays and the counter is appended after it: `ann+school@x.org` becomes
 *   `ann+school+rc1@x.org`. Sub-addressing splits at the first `+` (Gmail, Fastmail, Outlook, Postfix
 *   and Exim defaults), so mail still reaches the same mailbox and the person's own tag survives.
 *   Replacing the tag would lose it; tagging the tag (`ann+school-rc1`) would depend on the provider.
 * - The local part is never cut to make room for a tag: that would address a different mailbox. If
 *   `+rcN` does not fit within 64 characters (or the address within 254), the result is the typed
 *   error `cannot-tag`.
 * - "A different account": the allocator takes an optional owner (an account id). An address, or a
 *   `+rcN` variant of it, already held by the same owner is that owner's and is returned unchanged;
 *   the plain address is preferred when it is free, so a person goes back to it once its other
 *   holder is gone. Without an owner, any holder counts as a different account.
 */

export const EMAIL_MAX_LENGTH = 254;
export const EMAIL_LOCAL_MAX_LENGTH = 64;
/** What goes between the local part and the counter: `local+rc1@domain`. */
export const EMAIL_TAG = '+rc';

export type EmailError = 'empty' | 'too-long' | 'missing-at' | 'invalid-local-part' | 'invalid-domain';

export interface EmailAddress {
	/** The local part as given. */
	readonly local: string;
	/** The domain as given. */
	readonly domain: string;
	/** `local@domain`, as given (trimmed). */
	readonly address: string;
	/** The address in lower case: what comparisons use. */
	readonly key: string;
}

export type EmailParse = { readonly ok: true; readonly email: EmailAddress } | { readonly ok: false; readonly error: EmailError };

export type EmailPick =
	| { readonly ok: true; readonly email: string; /** 0 for the address itself, N for `+rcN`. */ readonly tag: number }
	| { readonly ok: false; readonly error: EmailError | 'cannot-tag' | 'exhausted' };

/** RFC 5322 `atext`: letters, digits and !#$%&'*+-/=?^_`{|}~ (the dot is handled apart). */
const ATEXT: Uint8Array = (() => {
	const table = new Uint8Array(128);
	const mark = (from: number, to: number): void => {
		for (let c = from; c <= to; c++) table[c] = 1;
	};
	mark(48, 57);
	mark(65, 90);
	mark(97, 122);
	for (const ch of "!#$%&'*+-/=?^_`{|}~") table[ch.charCodeAt(0)] = 1;
	return table;
})();

function isLetterOrDigit(c: number): boolean {
	return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
	return c >= 48 && c <= 57;
}

function isDotAtom(local: string): boolean {
	let previousWasDot = true; // so a leading dot fails
	for (let i = 0; i < local.length; i++) {
		const c = local.charCodeAt(i);
		if (c === 46) {
			if (previousWasDot) return false;
			previousWasDot = true;
		} else if (c < 128 && ATEXT[c] === 1) previousWasDot = false;
		else return false;
	}
	return !previousWasDot;
}

function isHostName(domain: string): boolean {
	if (domain.length > 253) return false;
	const labels = domain.split('.');
	if (labels.length < 2) return false;
	for (const label of labels) {
		if (label.length === 0 || label.length > 63) return false;
		if (!isLetterOrDigit(label.charCodeAt(0)) || !isLetterOrDigit(label.charCodeAt(label.length - 1))) return false;
		for (let i = 1; i < label.length - 1; i++) {
			const c = label.charCodeAt(i);
			if (!isLetterOrDigit(c) && c !== 45) return false;
		}
	}
	const top = labels[labels.length - 1];
	for (let i = 0; i < top.length; i++) if (!isDigit(top.charCodeAt(i))) return true;
	return false; // an all-digit top label: an IP address, not a host name
}

/** Validates and splits an address. Never throws: a wrong shape is a typed error. */
export function parseEmail(raw: string): EmailParse {
	const address = typeof raw === 'string' ? raw.trim() : '';
	if (address === '') return { ok: false, error: 'empty' };
	if (address.length > EMAIL_MAX_LENGTH) return { ok: false, error: 'too-long' };
	const at = address.lastIndexOf('@');
	if (at < 0) return { ok: false, error: 'missing-at' };
	const local = address.slice(0, at);
	const domain = address.slice(at + 1);
	if (local.length > EMAIL_LOCAL_MAX_LENGTH) return { ok: false, error: 'too-long' };
	if (!isDotAtom(local)) return { ok: false, error: 'invalid-local-part' };
	if (!isHostName(domain)) return { ok: false, error: 'invalid-domain' };
	return { ok: true, email: { local, domain, address, key: address.toLowerCase() } };
}

/** The comparison key of any text (trimmed, lower case), valid address or not. */
export function emailKey(address: string): string {
	return address.trim().toLowerCase();
}

/** The address with counter n (`local+rcN@domain`; n = 0 is the address itself), or null if it would not fit. */
export function taggedEmail(email: EmailAddress, n: number): EmailAddress | null {
	if (n <= 0) return email;
	const local = email.local + EMAIL_TAG + String(n);
	if (local.length > EMAIL_LOCAL_MAX_LENGTH || local.length + 1 + email.domain.length > EMAIL_MAX_LENGTH) return null;
	const address = `${local}@${email.domain}`;
	return { local, domain: email.domain, address, key: address.toLowerCase() };
}

/**
 * Splits the key of a tagged address into the key it was made from and its counter:
 * `ann+school+rc2@x.org` -> [`ann+school@x.org`, 2]. Null when the key carries no counter.
 */
function untagKey(key: string): readonly [string, number] | null {
	const at = key.lastIndexOf('@');
	const tagAt = key.lastIndexOf(EMAIL_TAG, at);
	if (at < 0 || tagAt <= 0) return null;
	const digitsAt = tagAt + EMAIL_TAG.length;
	if (digitsAt >= at || key.charCodeAt(digitsAt) === 48) return null; // no digits, or a leading zero
	for (let i = digitsAt; i < at; i++) if (!isDigit(key.charCodeAt(i))) return null;
	return [key.slice(0, tagAt) + key.slice(at), Number(key.slice(digitsAt, at))];
}

/** Whether `candidate` is `original` or one of its `+rcN` variants, case-insensitively (both must be valid). */
export function isEmailVariantOf(candidate: string, original: string): boolean {
	const c = parseEmail(candidate);
	const o = parseEmail(original);
	if (!c.ok || !o.ok) return false;
	if (c.email.key === o.email.key) return true;
	const untagged = untagKey(c.email.key);
	return untagged !== null && untagged[0] === o.email.key;
}

/**
 * One person: the address itself, or its first `+rcN` variant, that `isTakenByOther` does not claim.
 * The predicate receives lower-case keys and answers "held by a different account"; it is asked at
 * most `maxAttempts` times.
 */
export function pickEmail(email: string, isTakenByOther: (key: string) => boolean, maxAttempts = 1000): EmailPick {
	const parsed = parseEmail(email);
	if (!parsed.ok) return parsed;
	for (let n = 0; n < maxAttempts; n++) {
		const candidate = taggedEmail(parsed.email, n);
		if (candidate === null) return { ok: false, error: 'cannot-tag' };
		if (!isTakenByOther(candidate.key)) return { ok: true, email: candidate.address, tag: n };
	}
	return { ok: false, error: 'exhausted' };
}

/** An address already held by an account. */
export interface HeldEmail {
	readonly email: string;
	/** The holder (for instance the Rocket.Chat user id). */
	readonly owner: string;
}

/** Holder of a key handed out without an owner: never equal to any owner string. */
const ANONYMOUS = null;

/**
 * Hands out addresses to many people against the addresses already held, in time linear in the
 * number of people plus held addresses: each address remembers the next counter to try, and a held
 * key is the variant of exactly one address (its last `+rcN`), so it is passed over at most once.
 * Deterministic: the same calls in the same order give the same addresses. Held addresses given
 * twice keep their first holder.
 */
export class EmailAllocator {
	/** Every held key and its holder (ANONYMOUS when none was named). */
	private readonly holders = new Map<string, string | null>();
	/** Per address key: the next counter to try (>= 1). */
	private readonly nextTag = new Map<string, number>();
	/** Per owner and address key: the owner's variant of that address with the lowest counter. */
	private readonly ownVariants = new Map<string, { readonly address: string; readonly tag: number }>();
	private probeCount = 0;
	private allocatedCount = 0;

	constructor(existing: Iterable<string | HeldEmail> = []) {
		for (const entry of existing) {
			const raw = typeof entry === 'string' ? entry : entry.email;
			const owner = typeof entry === 'string' ? ANONYMOUS : entry.owner;
			const parsed = parseEmail(raw);
			const key = parsed.ok ? parsed.email.key : emailKey(raw);
			if (this.holders.has(key)) continue;
			this.holders.set(key, owner);
			if (owner === ANONYMOUS || !parsed.ok) continue;
			const untagged = untagKey(key);
			if (untagged === null) continue;
			const slot = variantSlot(owner, untagged[0]);
			const known = this.ownVariants.get(slot);
			if (known === undefined || untagged[1] < known.tag)
				this.ownVariants.set(slot, { address: parsed.email.address, tag: untagged[1] });
		}
	}

	/**
	 * The work done so far: valid requests answered, and look-ups of held keys (one for the address,
	 * then one per variant probed; never more than 2 x allocated + the variants passed over).
	 */
	get stats(): { readonly allocated: number; readonly probes: number } {
		return { allocated: this.allocatedCount, probes: this.probeCount };
	}

	/** Whether the address is held (given or handed out), case-insensitively. */
	isTaken(email: string): boolean {
		const parsed = parseEmail(email);
		return this.holders.has(parsed.ok ? parsed.email.key : emailKey(email));
	}

	/**
	 * The address for `email` on behalf of `owner` (omit it for a new account): the address itself if
	 * it is free or already the owner's, else the owner's existing `+rcN` variant, else the next free
	 * variant, which is then held by the owner.
	 */
	allocate(email: string, owner?: string): EmailPick {
		const parsed = parseEmail(email);
		if (!parsed.ok) return parsed;
		const e = parsed.email;
		this.allocatedCount++;
		this.probeCount++;
		const holder = this.holders.get(e.key);
		const self = owner ?? ANONYMOUS;
		if (holder === undefined) {
			this.holders.set(e.key, self);
			return { ok: true, email: e.address, tag: 0 };
		}
		if (self !== ANONYMOUS && holder === self) return { ok: true, email: e.address, tag: 0 };
		if (self !== ANONYMOUS) {
			const own = this.ownVariants.get(variantSlot(self, e.key));
			if (own !== undefined) return { ok: true, email: own.address, tag: own.tag };
		}
		let n = this.nextTag.get(e.key) ?? 1;
		for (;;) {
			const candidate = taggedEmail(e, n);
			if (candidate === null) return { ok: false, error: 'cannot-tag' };
			this.probeCount++;
			const candidateHolder = this.holders.get(candidate.key);
			if (candidateHolder === undefined) {
				this.holders.set(candidate.key, self);
				this.nextTag.set(e.key, n + 1);
				if (self !== ANONYMOUS) this.ownVariants.set(variantSlot(self, e.key), { address: candidate.address, tag: n });
				return { ok: true, email: candidate.address, tag: n };
			}
			n++;
		}
	}
}

function variantSlot(owner: string, key: string): string {
	return `${owner}\u0000${key}`;
}
