import { expect } from 'chai';
import fc from 'fast-check';

import { parseKeyList, readConfig } from '../../core/config';
import { AccountFacts, decideLink, decideToken, mayChangeAccount, parseNameList, privilegedRoleSet } from '../../core/security/accounts';
import { refusedRoles, restrictRoles, roleRefusal } from '../../core/security/roles';
import { isLoopbackHost, secureUrlProblem } from '../../core/security/transport';
import { Setting } from '../../settings/settings';

const privileged = privilegedRoleSet(['auditor']);
const person = (extra: Partial<AccountFacts> = {}): AccountFacts => ({
	roles: ['user'],
	type: 'user',
	emails: [{ address: 'Paula@Example.org', verified: true }],
	...extra,
});

describe('security rules (pure decisions)', () => {
	describe('linking a pre-existing account', () => {
		const base = {
			enabled: true,
			account: person(),
			alreadyLinked: false,
			email: 'paula@example.org',
			personEmailVerified: true,
			privileged,
		};

		it('links only when every condition holds', () => {
			expect(decideLink(base)).to.deep.equal({ link: true });
		});

		it('names the first condition that fails', () => {
			const cases: Array<[Partial<typeof base>, string]> = [
				[{ enabled: false }, 'linking-off'],
				[{ alreadyLinked: true }, 'already-linked'],
				[{ account: person({ roles: ['user', 'admin'] }) }, 'privileged'],
				[{ account: person({ roles: ['auditor'] }) }, 'privileged'],
				[{ account: person({ type: 'bot' }) }, 'service-account'],
				[{ account: person({ type: 'app', roles: [] }) }, 'service-account'],
				[{ account: person({ roles: ['user', 'bot'] }) }, 'service-account'],
				[{ account: person({ emails: [{ address: 'other@example.org', verified: true }] }) }, 'email-not-on-account'],
				[{ account: person({ emails: [{ address: 'paula@example.org', verified: false }] }) }, 'email-unverified-in-rocket-chat'],
				[{ account: person({ emails: [{ address: 'paula@example.org' }] }) }, 'email-unverified-in-rocket-chat'],
				[{ personEmailVerified: false }, 'email-unverified-in-system-of-record'],
			];
			for (const [change, reason] of cases) expect(decideLink({ ...base, ...change }), reason).to.deep.equal({ link: false, reason });
		});

		it('never links with linking off, whatever the account (property)', () => {
			fc.assert(
				fc.property(
					fc.array(fc.constantFrom('user', 'admin', 'bot', 'app', 'auditor', 'editor'), { maxLength: 4 }),
					fc.constantFrom('user', 'bot', 'app', undefined),
					fc.boolean(),
					fc.boolean(),
					(roles, type, verifiedRc, verifiedSor) => {
						const account = person({ roles, type, emails: [{ address: 'paula@example.org', verified: verifiedRc }] });
						const off = decideLink({ ...base, enabled: false, account, personEmailVerified: verifiedSor });
						const on = decideLink({ ...base, account, personEmailVerified: verifiedSor });
						const admin = roles.includes('admin') || roles.includes('auditor');
						const service = type === 'bot' || type === 'app' || roles.includes('bot') || roles.includes('app');
						return !off.link && on.link === (!admin && !service && verifiedRc && verifiedSor);
					},
				),
			);
		});
	});

	describe('tokens', () => {
		it('never for a privileged, bot or app account, whoever created it', () => {
			for (const createdByApp of [true, false]) {
				const d = (account: AccountFacts) =>
					decideToken({ account, createdByApp, privileged, linkingEnabled: true, linkedEmail: 'paula@example.org' });
				expect(d(person({ roles: ['user', 'admin'] }))).to.deep.equal({ allow: false, reason: 'privileged' });
				expect(d(person({ roles: ['auditor'] }))).to.deep.equal({ allow: false, reason: 'privileged' });
				expect(d(person({ type: 'bot', roles: ['bot'] }))).to.deep.equal({ allow: false, reason: 'service-account' });
				expect(d(person())).to.deep.equal({ allow: true });
			}
		});

		it('for a linked account only while linking is on and its e-mail is still verified', () => {
			const linked = { createdByApp: false, privileged, linkedEmail: 'paula@example.org' };
			expect(decideToken({ ...linked, account: person(), linkingEnabled: true })).to.deep.equal({ allow: true });
			expect(decideToken({ ...linked, account: person(), linkingEnabled: false })).to.deep.include({ reason: 'not-linkable' });
			const unverified = person({ emails: [{ address: 'paula@example.org', verified: false }] });
			expect(decideToken({ ...linked, account: unverified, linkingEnabled: true })).to.deep.include({ reason: 'not-linkable' });
			// An account the app created does not depend on linking.
			expect(decideToken({ ...linked, createdByApp: true, account: unverified, linkingEnabled: false })).to.deep.equal({
				allow: true,
			});
		});

		it('counts admin as privileged even when the setting leaves it out', () => {
			expect([...privilegedRoleSet([])]).to.deep.equal(['admin']);
			expect(parseNameList(' a\nb, c\r\n\na ')).to.deep.equal(['a', 'b', 'c']);
		});
	});

	describe('password, e-mail and state changes', () => {
		it('only on accounts the app created, never privileged or service accounts', () => {
			for (const change of ['password', 'email', 'state'] as const) {
				expect(mayChangeAccount({ change, createdByApp: false, privileged })).to.deep.equal({
					allowed: false,
					reason: 'not-created-by-app',
				});
				expect(mayChangeAccount({ change, createdByApp: true, privileged })).to.deep.equal({ allowed: true });
				expect(mayChangeAccount({ change, createdByApp: true, account: person(), privileged })).to.deep.equal({ allowed: true });
				expect(mayChangeAccount({ change, createdByApp: true, account: person({ roles: ['admin'] }), privileged })).to.deep.include(
					{
						reason: 'privileged',
					},
				);
				expect(mayChangeAccount({ change, createdByApp: true, account: person({ type: 'app' }), privileged })).to.deep.include({
					reason: 'service-account',
				});
			}
		});
	});

	describe('roles the system of record may assign', () => {
		const allow = new Set(['Core Team', 'editor']);

		it('refuses admin, bot and app always, and anything outside the allowlist', () => {
			expect(roleRefusal('Core Team', allow)).to.equal(null);
			expect(roleRefusal('core team', allow)).to.equal('not-in-allowlist');
			expect(roleRefusal('moderator', allow)).to.equal('not-in-allowlist');
			for (const role of ['admin', 'bot', 'app']) expect(roleRefusal(role, new Set([role]))).to.equal('never-assignable');
			expect(refusedRoles(['editor', 'admin', 'x'], allow).map((r) => r.role)).to.deep.equal(['admin', 'x']);
		});

		it('drops roles outside the allowlist from a desired state, and keeps the same object when none is', () => {
			const desired = { people: [], groups: {}, roles: { 'Core Team': ['p1'], admin: ['p1'], stale: ['p2'] } };
			const r = restrictRoles(desired, allow);
			expect(r.dropped).to.deep.equal(['admin', 'stale']);
			expect(r.desired.roles).to.deep.equal({ 'Core Team': ['p1'] });
			const clean = { people: [], groups: {}, roles: { editor: ['p1'] } };
			expect(restrictRoles(clean, allow).desired).to.equal(clean);
		});

		it('the setting can never hold admin, bot, app or a privileged role (property)', () => {
			fc.assert(
				fc.property(
					fc.array(fc.constantFrom('admin', 'bot', 'app', 'auditor', 'editor', 'Core Team', ' admin ', 'user'), { maxLength: 6 }),
					fc.constantFrom('\n', ',', '\r\n'),
					(names, sep) => {
						const result = readConfig({
							[Setting.SyncAssignableRoles]: names.join(sep),
							[Setting.PrivilegedRoles]: 'auditor',
						});
						const roles = result.config.sync.assignableRoles;
						for (const bad of ['admin', 'bot', 'app', 'auditor']) if (roles.has(bad)) return false;
						const refused = names.some((n) => ['admin', 'bot', 'app', 'auditor'].includes(n.trim()));
						return refused ? !result.ok : true;
					},
				),
			);
		});
	});

	describe('transport', () => {
		it('allows https anywhere and http only on loopback addresses', () => {
			expect(secureUrlProblem('https://sor.example.org/feed')).to.equal(null);
			for (const u of [
				'http://localhost:8080/x',
				'http://127.0.0.1/x',
				'http://127.1.2.3:9/x',
				'http://[::1]:3000/',
				'http://app.localhost/',
			])
				expect(secureUrlProblem(u), u).to.equal(null);
			for (const u of ['http://sor.example.org/feed', 'http://10.0.0.5/', 'http://localhost.example.org/', 'http://128.0.0.1/'])
				expect(secureUrlProblem(u), u).to.equal('not-https');
			for (const u of ['ftp://x.org', 'not a url', 'https://']) expect(secureUrlProblem(u), u).to.equal('not-a-url');
			expect(isLoopbackHost('127.0.0.256')).to.equal(false);
		});

		it('refuses plain http for the feed, history and REST URLs, and keeps none of them', () => {
			const result = readConfig({
				[Setting.SyncFeedUrl]: 'http://sor.example.org/feed',
				[Setting.HistoryUrl]: 'http://sor.example.org/history',
				[Setting.RestUrl]: 'http://chat.internal:3000',
				[Setting.SiteUrl]: 'http://chat.example.org',
			});
			expect(result.ok).to.equal(false);
			if (result.ok) return;
			expect(result.errors.map((e) => [e.setting, e.code])).to.deep.equal([
				[Setting.RestUrl, 'not-https'],
				[Setting.SyncFeedUrl, 'not-https'],
				[Setting.HistoryUrl, 'not-https'],
			]);
			expect([result.config.sync.feedUrl, result.config.history.url, result.config.rocketChat.restUrl]).to.deep.equal([
				null,
				null,
				null,
			]);
			// The link URL carries no secret of the app's: it is not held to the rule.
			expect(result.config.rocketChat.siteUrl).to.equal('http://chat.example.org');
		});

		it('accepts keys and secrets of 32 characters or more, one per line (or blank or comma separated), and never echoes them', () => {
			const good = 'k'.repeat(32);
			const short = 'short-key-0123456789';
			const result = readConfig({
				[Setting.ApiKeys]: `${good}\n${short}, ${'x'.repeat(40)}`,
				[Setting.OutboundKey]: short,
				[Setting.CredentialSecret]: `${'n'.repeat(40)}\n${'o'.repeat(32)}\n${short}`,
			});
			expect(result.config.api.keys).to.deep.equal([good, 'x'.repeat(40)]);
			expect(result.config.api.outboundKey).to.equal(null);
			expect(result.config.api.credentialSecret).to.equal('n'.repeat(40));
			expect(result.config.api.previousCredentialSecrets).to.deep.equal(['o'.repeat(32)]);
			expect(result.ok).to.equal(false);
			if (result.ok) return;
			expect(result.errors.map((e) => `${e.setting}:${e.code}`).sort()).to.deep.equal([
				`${Setting.CredentialSecret}:too-short`,
				`${Setting.ApiKeys}:too-short`,
				`${Setting.OutboundKey}:too-short`,
			]);
			for (const e of result.errors) expect(e.message).to.not.include(short).and.not.include(good);
			expect(parseKeyList('a\r\nb\rc\n d,e')).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
		});

		it('turns linking off and leaves no role assignable by default', () => {
			const { config } = readConfig({});
			expect(config.accounts.linkExisting).to.equal(false);
			expect([...config.accounts.privilegedRoles]).to.deep.equal(['admin']);
			expect(config.sync.assignableRoles.size).to.equal(0);
		});
	});
});
