/**
 * What `POST sso/token` does for one request, decided from the people-map record, the request and
 * the settings. Pure: the shell reads the record and the clock and carries the decision out.
 */

export interface SsoRecordView {
	userId: string;
	active: boolean;
	inactiveUntil?: number;
}

/** A recent failed creation or login for this person (kept for unknown people too). */
export interface SsoCooldown {
	until: number;
	reference: string;
}

export type SsoDecision =
	/** The account is deactivated; answered without asking Rocket.Chat while the cool-down lasts. */
	| { kind: 'inactive'; checkServer: boolean }
	/** A recent creation or login failed: answer with its reference, do not try again yet. */
	| { kind: 'cooling-down'; reference: string }
	/** Known person: get a login token for their account. */
	| { kind: 'token'; userId: string }
	/** Unknown person and self-registration is on: create the account, then the token. */
	| { kind: 'provision' }
	| { kind: 'registration-disabled' };

export interface SsoInput {
	record?: SsoRecordView;
	cooldown?: SsoCooldown;
	/** `active` of the request body (the system of record's view); defaults to true. */
	requestActive: boolean;
	selfRegistration: boolean;
	now: number;
}

export function decideSso({ record, cooldown, requestActive, selfRegistration, now }: SsoInput): SsoDecision {
	if (!requestActive) return { kind: 'inactive', checkServer: false };
	if (record?.inactiveUntil !== undefined && record.inactiveUntil > now) return { kind: 'inactive', checkServer: false };
	if (cooldown && cooldown.until > now) return { kind: 'cooling-down', reference: cooldown.reference };
	if (!record) return selfRegistration ? { kind: 'provision' } : { kind: 'registration-disabled' };
	return { kind: 'token', userId: record.userId };
}

/** Which field a Rocket.Chat "already in use" error is about, from its message. */
export function conflictField(serverMessage: string | undefined, username: string, email: string): 'username' | 'email' | undefined {
	if (!serverMessage) return undefined;
	const m = serverMessage.toLowerCase();
	if (m.includes(email.toLowerCase())) return 'email';
	const escaped = username.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	if (new RegExp(`(^|[^a-z0-9._-])${escaped}([^a-z0-9._-]|$)`).test(m)) return 'username';
	if (/e-?mail/.test(m)) return 'email';
	if (/username/.test(m)) return 'username';
	return undefined;
}

/** The display name of a new account: "First Last", trimmed. */
export function displayNameOf(firstName: string, lastName: string): string {
	return `${firstName} ${lastName}`.replace(/\s+/g, ' ').trim();
}
