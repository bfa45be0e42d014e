import { expect } from 'chai';

import { parseKeyList, readConfig, validateConfig } from '../../core/config';
import { Setting, settings } from '../../settings/settings';

describe('config', () => {
	it('reads the declared defaults into a valid config', () => {
		const raw = Object.fromEntries(settings.map((s) => [s.id, s.packageValue]));
		const result = readConfig(raw);
		expect(result.ok).to.equal(true);
		expect(result.config.accounts.inactiveCooldownMs).to.equal(2 * 3_600_000);
		expect(result.config.sync.safetyLimit).to.equal(0.2);
		expect(result.config.api.maxBodyBytes).to.equal(1024 * 1024);
	});

	it('reports a wrong value precisely and keeps the default', () => {
		const result = readConfig({ [Setting.SyncSafetyLimitPercent]: 150, [Setting.HistoryUrl]: 'ftp://x' });
		expect(result.ok).to.equal(false);
		if (result.ok) return;
		expect(result.errors.map((e) => [e.setting, e.code])).to.deep.equal([
			[Setting.SyncSafetyLimitPercent, 'out-of-range'],
			[Setting.HistoryUrl, 'not-a-url'],
		]);
		expect(result.config.sync.safetyLimit).to.equal(0.2);
	});

	it('splits API keys on lines, commas and blanks (the settings page shows a single-line field)', () => {
		expect(parseKeyList(' a1\nb2 , c3\r\n\n')).to.deep.equal(['a1', 'b2', 'c3']);
	});

	it('lists what a fresh install lacks', () => {
		const issues = validateConfig(readConfig({}).config);
		expect(issues.map((i) => i.setting)).to.include.members([Setting.AdminUserId, Setting.AdminToken, Setting.ApiKeys]);
	});
});
