import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { expect } from 'chai';
import type { Browser } from 'playwright-core';

import { signLink } from '../../features/admin/reportLink';
import { Credentials, Harness } from './harness';
import { HistoryReceiver } from './history-receiver';
import { drainJobs, Org, orgPerson, status } from './sync-support';

/** What the page's scripts see (this project's TypeScript has no DOM library). */
interface Page {
	document: { activeElement: { textContent: string | null; id: string } | null };
}

/** The part of an SVG element the test reads in the page. */
interface SvgElement {
	getAttribute(name: string): string | null;
	ownerDocument: { getElementById(id: string): unknown };
	querySelectorAll(selector: string): { length: number };
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = resolve(__dirname, '..', '..');
/** `SAVE_SCREENSHOT=1 npm test` refreshes the screenshot shown in the README; every run writes one under .build/. */
const SCREENSHOT = process.env.SAVE_SCREENSHOT === '1' ? join(ROOT, 'docs', 'report-page.png') : join(ROOT, '.build', 'report-page.png');
const KEY = 'history-outbound-key-0123456789abcdef';

function org(): Org {
	const people = Array.from({ length: 16 }, (_, i) => orgPerson(i));
	const group = (name: string, from: number) => ({
		name,
		members: Array.from({ length: 8 }, (_, k) => ({ externalId: `p${from + k}`, ...(k === 0 ? { role: 'leader' as const } : {}) })),
	});
	return { people, groups: { youth: group('Youth group', 0), choir: group('Choir', 8) } };
}

/**
 * The report page in a real headless browser (Debian's Chromium, driven by playwright-core) against
 * the sandbox `npm start` serves: the signed link whispered by `/integration report` opens the page,
 * which shows the runs, the outbox, the pending plan by name and the conflicts, and loads nothing
 * else; expired, forged and foreign links get 403.
 */
describe('admin report page in a headless browser', function () {
	this.timeout(240_000);
	let h: Harness | undefined;
	let browser: Browser | undefined;
	const rx = new HistoryReceiver();
	let bob: { userId: string; creds: Credentials };

	before(async function () {
		if (!existsSync(CHROMIUM)) {
			process.stdout.write(
				`      [skipped: no Chromium at ${CHROMIUM}; install it with \`npm run setup:browser\` (as root) or set CHROMIUM_PATH]\n`,
			);
			this.skip();
		}
		await rx.start();
		h = await Harness.start({
			settings: { history_enabled: true, history_all_rooms: true, history_url: rx.url, api_outbound_key: KEY },
		});
		// Links point at the server the browser reaches.
		await h.sandbox.configureApp({ rc_site_url: h.url });
		bob = await h.createUser('bob.report', { name: 'Bob Report' });
		const { chromium } = await import('playwright-core');
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
	});
	after(async () => {
		await browser?.close();
		await h?.stop();
		await rx.stop();
	});

	/** Some history to chart: sync runs with writes, an outbox that fills while the receiver fails, then a halted plan. */
	async function makeHistory(hh: Harness): Promise<{ fingerprint: string; leaving: string[] }> {
		const room = hh.createRoom('report-chat', ['admin'], 'c');
		let clock = Date.now();
		rx.plan = () => 500;
		const o = org();
		expect((await hh.app('POST', 'snapshot', o)).status).to.equal(202);
		await drainJobs(hh);
		for (let step = 0; step < 6; step++) {
			for (let i = 0; i <= step * 2; i++) await hh.post(room, `message ${step}.${i}`);
			await hh.sandbox.quiesce();
			clock = Math.max(clock, Date.now()) + 16 * 60_000;
			await hh.runDueJobs(clock);
			// A profile change each round: a run with a write or two.
			const p = orgPerson(step, { nickName: `Nick ${step}` });
			expect((await hh.app('PUT', `people/p${step}`, p)).status).to.equal(202);
			await drainJobs(hh);
		}
		rx.plan = () => 'ok';
		await hh.sandbox.configureApp({ sync_safety_limit_percent: 0 });
		const choir = { ...o.groups.choir, members: o.groups.choir.members.filter((m) => !['p13', 'p14', 'p15'].includes(m.externalId)) };
		expect((await hh.app('PUT', 'groups/choir', choir)).status).to.equal(202);
		await drainJobs(hh);
		const halted = (await status(hh)).sync.halted;
		if (!halted) throw new Error('the sync should be halted');
		return { fingerprint: halted.fingerprint, leaving: [13, 14, 15].map((i) => `${orgPerson(i).firstName} ${orgPerson(i).lastName}`) };
	}

	/** The link `/integration report` whispers to `as`. */
	async function whisperedLink(hh: Harness, roomId: string, as: Credentials): Promise<string> {
		const before = hh.world.ephemeral.length;
		await hh.command(roomId, 'integration', 'report', as);
		const text = await hh.waitFor(
			() =>
				hh.world.ephemeral
					.slice(before)
					.map((e) => e.text ?? '')
					.find((t) => t.includes('/report?t=')),
			'the report link',
		);
		const m = /(https?:\/\/\S+\/report\?t=[A-Za-z0-9._-]+)/.exec(text);
		if (!m) throw new Error(`no link in: ${text}`);
		return m[1];
	}

	it('opens the signed link: charts, the pending plan by name, conflicts; nothing loaded from elsewhere; keyboard and screen-reader structure', async () => {
		const hh = h as Harness;
		const { fingerprint, leaving } = await makeHistory(hh);
		const roomId = hh.createRoom('report-admins', ['admin', 'bob.report']);
		const link = await whisperedLink(hh, roomId, hh.admin);
		expect(link.startsWith(`${hh.url}/api/apps/public/${hh.appId}/report?t=`)).to.equal(true);
		expect(link).to.not.include(hh.info.apiKey);

		const page = await (browser as Browser).newPage({ viewport: { width: 1100, height: 900 } });
		const requests: string[] = [];
		page.on('request', (r) => requests.push(r.url()));
		const res = await page.goto(link, { waitUntil: 'load' });
		expect(res?.status()).to.equal(200);
		expect(res?.headers()['content-security-policy']).to.include("default-src 'none'");

		expect(await page.title()).to.equal('Integration report');
		expect(await page.getAttribute('html', 'lang')).to.equal('en');
		expect(await page.locator('h1').count()).to.equal(1);
		const headings = await page.locator('h2').allTextContents();
		expect(headings).to.deep.equal(['Overview', 'Last sync runs', 'Chat-history outbox', 'Pending plan', 'Conflicts']);
		const body = await page.locator('main').innerText();
		expect(body).to.include(`plan ${fingerprint} waits for a confirmation`);
		for (const name of leaving) expect(body).to.include(name);
		expect(body).to.include('Remove from room');
		// Four charts, each an image with a title and a description that exist.
		const charts = await page.locator('svg[role="img"]').evaluateAll((svgs: unknown[]) =>
			(svgs as SvgElement[]).map((s) => ({
				labelled: (s.getAttribute('aria-labelledby') ?? '')
					.split(' ')
					.every((id: string) => s.ownerDocument.getElementById(id) !== null),
				bars: s.querySelectorAll('rect, circle').length,
			})),
		);
		expect(charts).to.have.length(4);
		for (const c of charts) expect(c.labelled).to.equal(true);
		expect(charts[0].bars, 'one bar per run').to.be.greaterThan(6);
		expect(charts[3].bars, 'outbox samples').to.be.greaterThan(3);

		mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
		await page.screenshot({ path: SCREENSHOT, fullPage: true });

		// Keyboard: the first Tab reaches the skip link, Enter moves to the report.
		await page.keyboard.press('Tab');
		expect(await page.evaluate(() => (globalThis as unknown as Page).document.activeElement?.textContent)).to.equal(
			'Skip to the report',
		);
		await page.keyboard.press('Enter');
		expect(await page.evaluate(() => (globalThis as unknown as Page).document.activeElement?.id)).to.equal('main');

		// One request: the page itself. No script, style sheet, font or image from anywhere.
		expect(requests).to.deep.equal([link]);
		await page.close();
	});

	it('refuses an expired, a forged, a foreign and a missing link with 403', async () => {
		const hh = h as Harness;
		const roomId = hh.createRoom('report-admins-2', ['admin', 'bob.report']);
		const link = await whisperedLink(hh, roomId, hh.admin);
		const token = new URL(link).searchParams.get('t') ?? '';
		const stored = hh.world.persistenceReadByAssociations(hh.appId, [{ model: 'misc', id: 'ri:report-key' }]) as Array<{ key: string }>;
		const key = Buffer.from(stored[0].key, 'base64');
		const base = `${hh.url}/api/apps/public/${hh.appId}/report`;
		const expired = `${base}?t=${signLink(key, hh.admin.userId, Date.now() - 16 * 60_000)}`;
		const [v, payload, mac] = token.split('.');
		const forgedMac = `${base}?t=${v}.${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
		const otherKey = `${base}?t=${signLink(Buffer.alloc(32, 7), hh.admin.userId, Date.now())}`;
		const longer = `${base}?t=${signLink(key, hh.admin.userId, Date.now(), 24 * 3600_000)}`;
		const forBob = `${base}?t=${signLink(key, bob.userId, Date.now())}`;

		const page = await (browser as Browser).newPage();
		for (const [what, url] of [
			['expired', expired],
			['forged', forgedMac],
			['signed with another key', otherKey],
			['valid for a day', longer],
			['made for a non-admin', forBob],
			['missing', base],
		] as const) {
			const res = await page.goto(url);
			expect(res?.status(), what).to.equal(403);
			expect(await page.locator('h1').textContent(), what).to.equal('Link not valid');
		}
		// The link itself still works, and a non-admin gets no link at all.
		expect((await page.goto(link))?.status()).to.equal(200);
		await page.close();
		await hh.command(roomId, 'integration', 'report', bob.creds);
		await hh.waitFor(
			() => hh.world.ephemeral.find((e) => e.userId === bob.userId && (e.text ?? '').includes('Only administrators')),
			'the refusal',
		);
	});
});
