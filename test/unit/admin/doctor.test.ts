import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';

import {
	CheckStatus,
	DoctorCheck,
	DoctorInput,
	originAllowed,
	originOf,
	runDoctor,
	SERVER_SETTINGS as S,
} from '../../../core/admin/doctor';

const ORIGIN = 'https://www.church.example';

/** A server set up as the Rock and Ametys guides ask, and an integration account that may bypass the rate limiter. */
function good(): DoctorInput {
	return {
		settings: {
			[S.siteUrl]: 'https://chat.church.example',
			[S.iframeEnabled]: true,
			[S.iframeUrl]: `${ORIGIN}/RocketChatLogin`,
			[S.iframeApiUrl]: `${ORIGIN}/api/RocketChat/Sso`,
			[S.iframeApiMethod]: 'GET',
			[S.sendEnable]: true,
			[S.sendOrigin]: ORIGIN,
			[S.receiveEnable]: true,
			[S.receiveOrigin]: `${ORIGIN}, https://other.example`,
			[S.corsEnabled]: true,
			[S.corsOrigin]: ORIGIN,
			[S.rateLimiter]: true,
			[S.twoFactorEnabled]: true,
		},
		systemOrigin: ORIGIN,
		account: { username: 'integration', roles: ['user', 'admin'], twoFactor: false },
		bypassRoles: ['admin', 'bot', 'app'],
		createTokenRefused: null,
		credentialSecretSet: true,
	};
}

type Row = [what: string, change: (i: DoctorInput) => DoctorInput, id: string, status: CheckStatus, diff?: string];

const set =
	(id: string, value: unknown) =>
	(i: DoctorInput): DoctorInput => ({ ...i, settings: { ...i.settings, [id]: value } });
const unset =
	(id: string) =>
	(i: DoctorInput): DoctorInput => {
		const settings = { ...i.settings };
		delete settings[id];
		return { ...i, settings };
	};

const ROWS: Row[] = [
	['site URL set', (i) => i, 'site_url', 'ok'],
	['site URL empty', set(S.siteUrl, ''), 'site_url', 'fail'],
	['site URL over http', set(S.siteUrl, 'http://chat.church.example'), 'site_url_http', 'warn'],
	['site URL on loopback http', set(S.siteUrl, 'http://localhost:3000'), 'site_url', 'ok'],
	['site URL unreadable', unset(S.siteUrl), 'site_url', 'unknown'],
	['iframe login off', set(S.iframeEnabled, false), 'iframe_enabled', 'fail', `${S.iframeEnabled}: false → true`],
	['iframe login unreadable', unset(S.iframeEnabled), 'iframe_enabled', 'unknown'],
	['iframe URL empty', set(S.iframeUrl, ''), 'iframe_url', 'fail'],
	['iframe URL elsewhere', set(S.iframeUrl, 'https://login.other.example/x'), 'iframe_url_origin', 'warn'],
	['iframe URL over http', set(S.iframeUrl, 'http://www.church.example/login'), 'iframe_url', 'warn'],
	['iframe API URL empty', set(S.iframeApiUrl, ' '), 'iframe_api_url', 'fail'],
	['iframe API method PUT', set(S.iframeApiMethod, 'PUT'), 'iframe_api_method', 'fail', `${S.iframeApiMethod}: PUT → GET`],
	['iframe API method post', set(S.iframeApiMethod, 'post'), 'iframe_api_method', 'ok'],
	['iframe send off', set(S.sendEnable, false), 'iframe_send', 'fail', `${S.sendEnable}: false → true`],
	[
		'iframe send to another origin',
		set(S.sendOrigin, 'https://x.example'),
		'iframe_send',
		'fail',
		`${S.sendOrigin}: https://x.example → ${ORIGIN}`,
	],
	['iframe send to any origin', set(S.sendOrigin, '*'), 'iframe_send_any', 'warn', `${S.sendOrigin}: * → ${ORIGIN}`],
	['iframe receive from a list with the origin', (i) => i, 'iframe_receive', 'ok'],
	['iframe receive off', set(S.receiveEnable, false), 'iframe_receive', 'fail'],
	[
		'iframe receive: origin given with a path and upper case',
		set(S.receiveOrigin, 'HTTPS://WWW.Church.example/some/page'),
		'iframe_receive',
		'ok',
	],
	['iframe send on, origin unknown', (i) => ({ ...i, systemOrigin: null }), 'iframe_send_no_origin', 'warn'],
	['CORS off', set(S.corsEnabled, false), 'cors', 'fail', `${S.corsEnabled}: false → true`],
	['CORS for another origin', set(S.corsOrigin, 'https://x.example'), 'cors', 'fail'],
	['CORS for any origin', set(S.corsOrigin, '*'), 'cors_any', 'warn'],
	['CORS unreadable', unset(S.corsEnabled), 'cors', 'unknown'],
	['rate limiter, admin bypasses', (i) => i, 'rate_limit_bypass', 'ok'],
	['rate limiter off', set(S.rateLimiter, false), 'rate_limit_off', 'ok'],
	['rate limiter, no bypass', (i) => ({ ...i, bypassRoles: ['bot'] }), 'rate_limit', 'fail'],
	['rate limiter, permissions unreadable', (i) => ({ ...i, bypassRoles: null }), 'rate_limit', 'unknown'],
	['rate limiter, REST unreachable', (i) => ({ ...i, account: null }), 'rate_limit', 'unknown'],
	['token switch refused, secret set', (i) => ({ ...i, createTokenRefused: true }), 'token_switch', 'warn'],
	['token switch refused, no secret', (i) => ({ ...i, createTokenRefused: true, credentialSecretSet: false }), 'token_switch', 'fail'],
	['token switch untested, no secret', (i) => ({ ...i, credentialSecretSet: false }), 'token_switch_untested', 'unknown'],
	['token switch fine', (i) => i, 'token_switch', 'ok'],
	[
		'2FA on the service account',
		(i) => ({ ...i, account: { username: 'integration', roles: ['admin'], twoFactor: true } }),
		'two_factor',
		'warn',
	],
	[
		'2FA off on the server',
		(i) => ({ ...set(S.twoFactorEnabled, false)(i), account: { username: 'integration', roles: ['admin'], twoFactor: true } }),
		'two_factor_off',
		'ok',
	],
	[
		'2FA of the account unknown',
		(i) => ({ ...i, account: { username: 'integration', roles: ['admin'], twoFactor: null } }),
		'two_factor',
		'unknown',
	],
];

const en = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'i18n', 'en.json'), 'utf8')) as Record<string, string>;

describe('setup doctor (pure checks over server setting states)', () => {
	it('finds nothing to change on a server set up as the install guides ask', () => {
		const checks = runDoctor(good());
		expect(checks.filter((c) => c.status !== 'ok').map((c) => c.id)).to.deep.equal([]);
		expect(checks.every((c) => c.changes.length === 0)).to.equal(true);
	});

	for (const [what, change, id, expected, diff] of ROWS) {
		it(`${what}: ${id} is ${expected}`, () => {
			const checks = runDoctor(change(good()));
			const found = checks.filter((c) => c.id === id);
			expect(found, JSON.stringify(checks.map((c) => [c.id, c.status]))).to.have.length.greaterThan(0);
			expect(found.map((c) => c.status)).to.include(expected);
			const check = found.find((c) => c.status === expected) as DoctorCheck;
			if (diff) expect(check.changes.map((c) => `${c.settingId}: ${String(c.current)} → ${String(c.proposed)}`)).to.include(diff);
			// Every verdict has its text, with the admin page to go to.
			expect(en[`doctor_${check.id}_${check.status}`], `doctor_${check.id}_${check.status}`).to.be.a('string');
		});
	}

	it('says "unknown" for every setting the server does not report, never "ok"', () => {
		const checks = runDoctor({ ...good(), settings: {}, account: null, bypassRoles: null });
		for (const c of checks) expect(c.status, c.id).to.be.oneOf(['unknown', 'ok', 'warn', 'fail']);
		expect(checks.filter((c) => c.area !== 'tokens').every((c) => c.status === 'unknown')).to.equal(true);
	});

	it('reads origins and origin lists as Rocket.Chat writes them', () => {
		expect(originOf('https://Chat.Example.org:8443/path?q')).to.equal('https://chat.example.org:8443');
		expect(originOf('chat.example.org')).to.equal(null);
		expect(originAllowed('https://a.example, https://b.example', 'https://b.example')).to.equal(true);
		expect(originAllowed('https://a.example https://b.example/', 'https://b.example')).to.equal(true);
		expect(originAllowed('*', 'https://b.example')).to.equal(true);
		expect(originAllowed('', 'https://b.example')).to.equal(false);
		expect(originAllowed(undefined, 'https://b.example')).to.equal(false);
	});
});
