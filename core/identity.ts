/**
 * Account naming, the pure core behind "POST sso/token" and the sync's account creation:
 * usernames (`first.last`, `first.last2`, ...) and e-mail addresses (`local+rc1@domain`, ...).
 * The rules and every edge-case decision are documented in the two modules.
 */
export {
	RESERVED_USERNAMES,
	USERNAME_BASE_MAX_LENGTH,
	USERNAME_FALLBACK,
	USERNAME_MAX_LENGTH,
	UsernameAllocator,
	foldNamePart,
	isReservedUsername,
	isValidUsername,
	normalizeUsernameBase,
	pickUsername,
	usernameBase,
	usernameCandidate,
	usernameCandidates,
} from './identity/username';
export type { UsernameBase, UsernamePick } from './identity/username';
export {
	EMAIL_LOCAL_MAX_LENGTH,
	EMAIL_MAX_LENGTH,
	EMAIL_TAG,
	EmailAllocator,
	emailKey,
	isEmailVariantOf,
	parseEmail,
	pickEmail,
	taggedEmail,
} from './identity/email';
export type { EmailAddress, EmailError, EmailParse, EmailPick, HeldEmail } from './identity/email';
