/**
 * The setup doctor: what the integration needs from Rocket.Chat's own settings, checked against the
 * values the server has now. Each check is pure (setting values and facts in, a verdict out) and says
 * which setting to change, to what, and on which admin page. The Rock RMS and Ametys install guides
 * list these steps by hand; the panel shows them checked.
 */

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'unknown';

/** Admin pages of Rocket.Chat, relative to the site URL. */
export const ADMIN_PAGES = {
	accounts: '/admin/settings/Accounts',
	general: '/admin/settings/General',
	rateLimiter: '/admin/settings/Rate%20Limiter',
	permissions: '/admin/permissions',
	accountTokens: '/account/tokens',
	accountSecurity: '/account/security',
} as const;

export type AdminPage = keyof typeof ADMIN_PAGES;

/** A setting change the doctor proposes: shown as a diff (current -> proposed). */
export interface SettingChange {
	readonly settingId: string;
	readonly current: unknown;
	readonly proposed: string | boolean;
}

export interface DoctorCheck {
	/** Stable id; the i18n text is `doctor_<id>_<status>`. */
	readonly id: string;
	readonly area: 'iframe-login' | 'iframe-integration' | 'cors' | 'rate-limit' | 'tokens' | 'two-factor' | 'site-url';
	readonly status: CheckStatus;
	readonly page: AdminPage;
	/** Values for the text (setting values, origins). */
	readonly params: Readonly<Record<string, string>>;
	/** What to change, where a setting value settles it. */
	readonly changes: ReadonlyArray<SettingChange>;
}

/** What the doctor looks at. `undefined` in `settings` means the server did not say (unknown setting or not readable). */
export interface DoctorInput {
	/** Server settings by id. */
	readonly settings: Readonly<Record<string, unknown>>;
	/** The system of record's web origin (`https://www.example.org`), if the app knows it. */
	readonly systemOrigin: string | null;
	/** The integration's service account, as `GET me` shows it; null when the REST API cannot be reached. */
	readonly account: {
		readonly username: string;
		readonly roles: ReadonlyArray<string>;
		/** Two-factor authentication is on for the account (null: not known). */
		readonly twoFactor: boolean | null;
	} | null;
	/** Roles holding `api-bypass-rate-limit` (null: not readable). */
	readonly bypassRoles: ReadonlyArray<string> | null;
	/** users.createToken was refused by the server (its token switch is off); null: not tried yet, or it works. */
	readonly createTokenRefused: boolean | null;
	/** A credential secret is set, so sign-on can fall back to stored passwords. */
	readonly credentialSecretSet: boolean;
}

/** Setting ids of Rocket.Chat the doctor reads. */
export const SERVER_SETTINGS = {
	iframeEnabled: 'Accounts_iframe_enabled',
	iframeUrl: 'Accounts_iframe_url',
	iframeApiUrl: 'Accounts_Iframe_api_url',
	iframeApiMethod: 'Accounts_Iframe_api_method',
	sendEnable: 'Iframe_Integration_send_enable',
	sendOrigin: 'Iframe_Integration_send_target_origin',
	receiveEnable: 'Iframe_Integration_receive_enable',
	receiveOrigin: 'Iframe_Integration_receive_origin',
	corsEnabled: 'API_Enable_CORS',
	corsOrigin: 'API_CORS_Origin',
	rateLimiter: 'API_Enable_Rate_Limiter',
	twoFactorEnabled: 'Accounts_TwoFactorAuthentication_Enabled',
	siteUrl: 'Site_Url',
} as const;

/** The origin of a URL (`https://host[:port]`), or null. */
export function originOf(url: string | null | undefined): string | null {
	if (typeof url !== 'string' || url.trim() === '') return null;
	const m = /^(https?):\/\/([^/?#\s]+)/i.exec(url.trim());
	if (!m) return null;
	return `${m[1].toLowerCase()}://${m[2].toLowerCase()}`;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
function shown(v: unknown): string {
	if (v === undefined) return '?';
	if (typeof v === 'string') return v.trim() === '' ? '""' : v.trim();
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	return JSON.stringify(v) ?? '?';
}

/** A list setting ("*", or origins separated by commas or blanks) allows the origin. */
export function originAllowed(list: unknown, origin: string): boolean {
	const entries = text(list)
		.split(/[\s,]+/)
		.filter(Boolean)
		.map((e) => (e === '*' ? '*' : (originOf(e) ?? e.toLowerCase())));
	return entries.includes('*') || entries.includes(origin.toLowerCase());
}

function isLoopback(origin: string): boolean {
	return /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(origin);
}

function check(
	id: string,
	area: DoctorCheck['area'],
	status: CheckStatus,
	page: AdminPage,
	params: Record<string, string> = {},
	changes: SettingChange[] = [],
): DoctorCheck {
	return { id, area, status, page, params, changes };
}

/** Iframe login: enabled, a login page and an API URL on the system of record, and the API method. */
export function checkIframeLogin(input: DoctorInput): DoctorCheck[] {
	const s = input.settings;
	const S = SERVER_SETTINGS;
	const out: DoctorCheck[] = [];
	const enabled = s[S.iframeEnabled];
	if (enabled === undefined) out.push(check('iframe_enabled', 'iframe-login', 'unknown', 'accounts'));
	else if (enabled !== true)
		out.push(
			check('iframe_enabled', 'iframe-login', 'fail', 'accounts', {}, [
				{ settingId: S.iframeEnabled, current: enabled, proposed: true },
			]),
		);
	else out.push(check('iframe_enabled', 'iframe-login', 'ok', 'accounts'));

	for (const [id, key] of [
		['iframe_url', S.iframeUrl],
		['iframe_api_url', S.iframeApiUrl],
	] as const) {
		const value = s[key];
		const origin = originOf(text(value));
		if (value === undefined) out.push(check(id, 'iframe-login', 'unknown', 'accounts'));
		else if (!origin) out.push(check(id, 'iframe-login', 'fail', 'accounts', { value: shown(value) }));
		else if (origin.startsWith('http://') && !isLoopback(origin))
			out.push(check(id, 'iframe-login', 'warn', 'accounts', { value: shown(value) }));
		else if (input.systemOrigin && origin !== input.systemOrigin)
			out.push(check(`${id}_origin`, 'iframe-login', 'warn', 'accounts', { value: shown(value), origin: input.systemOrigin }));
		else out.push(check(id, 'iframe-login', 'ok', 'accounts', { value: shown(value) }));
	}
	const method = s[S.iframeApiMethod];
	if (method === undefined) out.push(check('iframe_api_method', 'iframe-login', 'unknown', 'accounts'));
	else if (text(method).toUpperCase() !== 'GET' && text(method).toUpperCase() !== 'POST')
		out.push(
			check('iframe_api_method', 'iframe-login', 'fail', 'accounts', { value: shown(method) }, [
				{ settingId: S.iframeApiMethod, current: method, proposed: 'GET' },
			]),
		);
	else out.push(check('iframe_api_method', 'iframe-login', 'ok', 'accounts', { value: text(method).toUpperCase() }));
	return out;
}

/** Iframe integration (send and receive, each with the system of record's origin) and CORS for that origin. */
export function checkIframeIntegration(input: DoctorInput): DoctorCheck[] {
	const s = input.settings;
	const S = SERVER_SETTINGS;
	const origin = input.systemOrigin;
	const out: DoctorCheck[] = [];
	for (const [id, enable, list] of [
		['iframe_send', S.sendEnable, S.sendOrigin],
		['iframe_receive', S.receiveEnable, S.receiveOrigin],
	] as const) {
		const on = s[enable];
		const origins = s[list];
		if (on === undefined) {
			out.push(check(id, 'iframe-integration', 'unknown', 'general'));
			continue;
		}
		const changes: SettingChange[] = [];
		if (on !== true) changes.push({ settingId: enable, current: on, proposed: true });
		if (origin && !originAllowed(origins, origin)) changes.push({ settingId: list, current: origins, proposed: origin });
		if (changes.length > 0)
			out.push(check(id, 'iframe-integration', 'fail', 'general', { origin: origin ?? '?', value: shown(origins) }, changes));
		else if (!origin)
			out.push(check(`${id}_no_origin`, 'iframe-integration', on === true ? 'warn' : 'fail', 'general', { value: shown(origins) }));
		else if (text(origins) === '*')
			out.push(
				check(`${id}_any`, 'iframe-integration', 'warn', 'general', { origin }, [
					{ settingId: list, current: origins, proposed: origin },
				]),
			);
		else out.push(check(id, 'iframe-integration', 'ok', 'general', { origin }));
	}
	const cors = s[S.corsEnabled];
	const corsOrigin = s[S.corsOrigin];
	if (cors === undefined) out.push(check('cors', 'cors', 'unknown', 'general'));
	else {
		const changes: SettingChange[] = [];
		if (cors !== true) changes.push({ settingId: S.corsEnabled, current: cors, proposed: true });
		if (origin && !originAllowed(corsOrigin, origin)) changes.push({ settingId: S.corsOrigin, current: corsOrigin, proposed: origin });
		if (changes.length > 0)
			out.push(check('cors', 'cors', 'fail', 'general', { origin: origin ?? '?', value: shown(corsOrigin) }, changes));
		else if (!origin) out.push(check('cors_no_origin', 'cors', 'warn', 'general', { value: shown(corsOrigin) }));
		else if (text(corsOrigin) === '*')
			out.push(
				check('cors_any', 'cors', 'warn', 'general', { origin }, [
					{ settingId: S.corsOrigin, current: corsOrigin, proposed: origin },
				]),
			);
		else out.push(check('cors', 'cors', 'ok', 'general', { origin }));
	}
	return out;
}

/** The REST rate limiter versus `api-bypass-rate-limit` on the integration account. */
export function checkRateLimit(input: DoctorInput): DoctorCheck[] {
	const limiter = input.settings[SERVER_SETTINGS.rateLimiter];
	if (limiter === false) return [check('rate_limit_off', 'rate-limit', 'ok', 'rateLimiter')];
	if (!input.account) return [check('rate_limit', 'rate-limit', 'unknown', 'permissions')];
	const username = input.account.username;
	if (input.bypassRoles === null) return [check('rate_limit', 'rate-limit', 'unknown', 'permissions', { username })];
	const holds = input.account.roles.some((r) => input.bypassRoles?.includes(r));
	if (holds) return [check('rate_limit_bypass', 'rate-limit', 'ok', 'permissions', { username })];
	return [
		check('rate_limit', 'rate-limit', limiter === undefined ? 'unknown' : 'fail', 'permissions', {
			username,
			roles: input.account.roles.join(', '),
		}),
	];
}

/** The token switch (users.createToken) and the fallback to stored credentials. */
export function checkTokens(input: DoctorInput): DoctorCheck[] {
	if (input.createTokenRefused === true)
		return [check('token_switch', 'tokens', input.credentialSecretSet ? 'warn' : 'fail', 'accountTokens')];
	if (input.createTokenRefused === null && !input.credentialSecretSet)
		return [check('token_switch_untested', 'tokens', 'unknown', 'accountTokens')];
	return [check('token_switch', 'tokens', 'ok', 'accountTokens')];
}

/** Two-factor authentication on the service account (its REST calls would be asked for a code). */
export function checkTwoFactor(input: DoctorInput): DoctorCheck[] {
	const global = input.settings[SERVER_SETTINGS.twoFactorEnabled];
	if (global === false) return [check('two_factor_off', 'two-factor', 'ok', 'accounts')];
	if (!input.account || input.account.twoFactor === null) return [check('two_factor', 'two-factor', 'unknown', 'accountSecurity')];
	if (input.account.twoFactor)
		return [check('two_factor', 'two-factor', 'warn', 'accountSecurity', { username: input.account.username })];
	return [check('two_factor', 'two-factor', 'ok', 'accountSecurity', { username: input.account.username })];
}

/** The site URL: set, https (or loopback), without a trailing path the links would repeat. */
export function checkSiteUrl(input: DoctorInput): DoctorCheck[] {
	const value = input.settings[SERVER_SETTINGS.siteUrl];
	if (value === undefined) return [check('site_url', 'site-url', 'unknown', 'general')];
	const origin = originOf(text(value));
	if (!origin) return [check('site_url', 'site-url', 'fail', 'general', { value: shown(value) })];
	if (origin.startsWith('http://') && !isLoopback(origin))
		return [check('site_url_http', 'site-url', 'warn', 'general', { value: shown(value) })];
	return [check('site_url', 'site-url', 'ok', 'general', { value: shown(value) })];
}

/** Every check, in the order of the install guides. */
export function runDoctor(input: DoctorInput): DoctorCheck[] {
	return [
		...checkSiteUrl(input),
		...checkIframeLogin(input),
		...checkIframeIntegration(input),
		...checkRateLimit(input),
		...checkTokens(input),
		...checkTwoFactor(input),
	];
}

/** Counts by status, for the overview's one line. */
export function doctorTally(checks: ReadonlyArray<DoctorCheck>): Record<CheckStatus, number> {
	const out: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, unknown: 0 };
	for (const c of checks) out[c.status]++;
	return out;
}

/** A change as a one-line diff: `Setting_Id: "old" -> "new"`. */
export function changeDiff(c: SettingChange): string {
	return `${c.settingId}: ${shown(c.current)} → ${shown(c.proposed)}`;
}
