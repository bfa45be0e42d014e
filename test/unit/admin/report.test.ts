import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';

import { renderReport, ReportModel } from '../../../core/admin/report';
import { barChart, lineChart, niceMax } from '../../../core/admin/svg';
import { format } from '../../../core/i18n';
import { LINK_TTL_MS, signLink, verifyLink } from '../../../features/admin/reportLink';

const en = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'i18n', 'en.json'), 'utf8')) as Record<string, string>;
const t = (key: string, params?: Readonly<Record<string, string | number>>) => {
	const s = en[key];
	if (s === undefined) throw new Error(`missing i18n key ${key}`);
	return format(s, params);
};

function model(over: Partial<ReportModel> = {}): ReportModel {
	const now = Date.UTC(2026, 11, 5, 10, 0);
	return {
		lang: 'en',
		now,
		expiresAt: now + LINK_TTL_MS,
		halted: { since: now - 60_000, reasons: ['the run would remove 3 of 16 room memberships'], fingerprint: 'abc123' },
		lastRun: { at: now - 60_000, outcome: 'halted' },
		nextRunAt: now + 600_000,
		outboxDepth: 4,
		deadBatches: 1,
		runs: Array.from({ length: 60 }, (_, i) => ({
			at: now - (60 - i) * 60_000,
			durationMs: 100 + i,
			outcome: 'finished',
			applied: { addMember: i % 3, createUser: 1 },
			failed: 0,
			conflicts: i % 2,
		})),
		outbox: [0, 3, 9, 4].map((depth, i) => ({ at: now - (4 - i) * 900_000, depth })),
		plan: {
			fingerprint: 'abc123',
			source: 'halt',
			total: 3,
			byKind: { removeMember: 3 },
			page: {
				offset: 0,
				count: 100,
				total: 3,
				items: [{ kind: 'removeMember', who: '<script>alert(1)</script>', username: 'x', target: 'choir' }],
			},
		},
		conflicts: [{ externalId: 'p7', name: 'Ann Lee', reason: 'role-missing: role teacher does not exist' }],
		conflictCount: 1,
		prevHref: null,
		nextHref: '?t=tok&offset=100',
		...over,
	};
}

describe('report page (pure rendering)', () => {
	it('renders every section with headings, charts of the last 50 runs and the outbox, the plan by name and conflicts', () => {
		const html = renderReport(model(), t);
		expect(html.startsWith('<!DOCTYPE html><html lang="en">')).to.equal(true);
		expect(html.match(/<h1>/g)).to.have.length(1);
		expect(html.match(/<h2 /g)).to.have.length(5);
		expect(html.match(/<svg [^>]*role="img"/g)).to.have.length(4);
		// The runs chart shows the last 50 runs: 50 duration bars.
		const durations = /<svg id="chart-durations"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
		expect(durations.match(/<rect /g)).to.have.length(50);
		expect(html).to.include('plan abc123 waits for a confirmation');
		expect(html).to.include('Create the role in Rocket.Chat');
		expect(html).to.include('href="?t=tok&amp;offset=100" rel="next"');
	});

	it('escapes every name it shows and loads nothing from elsewhere', () => {
		const html = renderReport(model(), t);
		expect(html).to.not.include('<script');
		expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
		// The only absolute URL is the SVG namespace, which is never fetched.
		const urls = html.match(/(?:src|href)="(?!#|\?)[^"]*"/g) ?? [];
		expect(urls).to.deep.equal([]);
		expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).to.not.match(/https?:\/\//);
	});

	it('says so when there is no run, no outbox sample, no plan and no conflict', () => {
		const html = renderReport(
			model({ runs: [], outbox: [], plan: null, conflicts: [], conflictCount: 0, halted: null, nextHref: null }),
			t,
		);
		for (const key of ['report_no_runs', 'report_no_plan', 'report_no_conflicts', 'report_not_halted']) expect(html).to.include(t(key));
	});

	it('draws charts on a round scale, whatever the values', () => {
		expect([niceMax(0), niceMax(7), niceMax(12), niceMax(480), niceMax(2001)]).to.deep.equal([1, 10, 20, 500, 5000]);
		const bars = barChart(
			[
				{ label: 'a', values: [1, 2] },
				{ label: 'b', values: [0, 3] },
			],
			{ id: 'x', title: 'T', description: 'D', xLabels: ['1', '2'] },
		);
		expect(bars.match(/<rect [^>]*><title>/g)).to.have.length(3);
		expect(lineChart({ label: 'l', values: [] }, { id: 'y', title: 'T', description: 'D', xLabels: [] })).to.include(
			'<title id="y-t">T</title>',
		);
	});
});

describe('signed report links', () => {
	const key = Buffer.alloc(32, 1);
	const now = 1_800_000_000_000;

	it('accepts its own link for 15 minutes, for the user it names', () => {
		const token = signLink(key, 'user-1', now);
		expect(verifyLink(key, token, now + 1)).to.deep.equal({ ok: true, claims: { userId: 'user-1', exp: now + LINK_TTL_MS } });
		expect(verifyLink(key, token, now + LINK_TTL_MS - 1).ok).to.equal(true);
	});

	it('refuses an expired, forged, re-signed, over-long or malformed link', () => {
		const token = signLink(key, 'user-1', now);
		expect(verifyLink(key, token, now + LINK_TTL_MS)).to.deep.equal({ ok: false, reason: 'expired' });
		const [v, payload, mac] = token.split('.');
		const other = Buffer.from(JSON.stringify({ u: 'admin-2', e: now + 1000 })).toString('base64url');
		expect(verifyLink(key, `${v}.${other}.${mac}`, now)).to.deep.equal({ ok: false, reason: 'forged' });
		expect(verifyLink(Buffer.alloc(32, 2), token, now)).to.deep.equal({ ok: false, reason: 'forged' });
		expect(verifyLink(undefined, token, now)).to.deep.equal({ ok: false, reason: 'forged' });
		expect(verifyLink(key, signLink(key, 'user-1', now, 24 * 3_600_000), now)).to.deep.equal({ ok: false, reason: 'expired' });
		for (const bad of [undefined, '', 'v1.x', `v2.${payload}.${mac}`, `v1.${payload}.${mac}.x`, 'v1.a b.c', 'x'.repeat(600)])
			expect(verifyLink(key, bad, now).ok, String(bad)).to.equal(false);
	});
});
