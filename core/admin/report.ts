/**
 * The report page: plain server-rendered HTML with inline SVG charts of the last sync runs and of the
 * chat-history outbox, the pending plan by name and the conflicts. No script, no stylesheet or font
 * from elsewhere, nothing fetched: the page is one response. Accessible: a skip link and a section
 * list for keyboard users, headings in order, every chart with a title, a description and the same
 * figures as a table, text with at least 4.5:1 contrast, and a visible focus ring.
 */
import { OpKind } from '../sync/types';
import { ITEM_ORDER, Page, PlanItem } from './planPreview';
import { barChart, escapeHtml, lineChart, PALETTE } from './svg';

export type T = (key: string, params?: Readonly<Record<string, string | number>>) => string;

export interface ReportRun {
	readonly at: number;
	readonly durationMs: number;
	readonly outcome: string;
	readonly applied: Readonly<Partial<Record<OpKind, number>>>;
	readonly failed: number;
	readonly conflicts: number;
}

export interface ReportConflict {
	readonly externalId: string;
	readonly name?: string;
	/** `<reason code>: <detail>` as the plan summary carries it. */
	readonly reason: string;
}

export interface ReportModel {
	readonly lang: string;
	readonly now: number;
	readonly expiresAt: number;
	readonly halted: { readonly since: number | null; readonly reasons: ReadonlyArray<string>; readonly fingerprint: string } | null;
	readonly lastRun: { readonly at: number; readonly outcome: string } | null;
	readonly nextRunAt: number | null;
	readonly outboxDepth: number | null;
	readonly deadBatches: number;
	readonly runs: ReadonlyArray<ReportRun>;
	readonly outbox: ReadonlyArray<{ readonly at: number; readonly depth: number }>;
	readonly plan: {
		readonly fingerprint: string;
		readonly source: string;
		readonly total: number;
		readonly byKind: Readonly<Partial<Record<OpKind, number>>>;
		readonly page: Page<PlanItem>;
	} | null;
	readonly conflicts: ReadonlyArray<ReportConflict>;
	readonly conflictCount: number;
	/** Links to the previous and next page of the plan (same signed link, other offset). */
	readonly prevHref: string | null;
	readonly nextHref: string | null;
}

/** Kinds grouped for the writes chart. */
export const WRITE_GROUPS: ReadonlyArray<{ key: string; kinds: ReadonlyArray<OpKind> }> = [
	{ key: 'accounts', kinds: ['createUser', 'reactivateUser', 'deactivateUser', 'updateProfile', 'setPhoto', 'resetPassword'] },
	{ key: 'rooms', kinds: ['createRoom', 'deleteRoom', 'setTopic', 'releaseRoom'] },
	{ key: 'members', kinds: ['addMember', 'removeMember', 'setLeader', 'unsetLeader', 'setModerator', 'unsetModerator'] },
	{ key: 'roles', kinds: ['addRole', 'removeRole'] },
];

const time = (ms: number, lang: string): string => {
	const d = new Date(ms);
	// A fixed, language-independent form: the page is rendered on the server, whose time zone is not the reader's.
	void lang;
	return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#fff}
a{color:#1d4ed8}
a:focus,summary:focus,[tabindex]:focus{outline:3px solid #b45309;outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:#111827;color:#fff;padding:8px}
.skip:focus{left:8px}
header,main,footer{max-width:1000px;margin:0 auto;padding:16px}
header{border-bottom:1px solid #d1d5db}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:12px}
h1{font-size:1.6rem;margin:0 0 4px}
h2{font-size:1.25rem;margin:32px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
h3{font-size:1rem;margin:16px 0 4px}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{background:#f3f4f6}
.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#4b5563}
.alert{border-left:4px solid #b91c1c;background:#fef2f2;padding:8px 12px}
.ok{border-left:4px solid #047857;background:#ecfdf5;padding:8px 12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}
dt{font-weight:600}
dd{margin:0}
code{font-size:.9em}
figure{margin:16px 0}
figcaption{font-weight:600;margin-bottom:4px}
`;

function table(
	caption: string,
	head: ReadonlyArray<string>,
	rows: ReadonlyArray<ReadonlyArray<string | number>>,
	numeric: ReadonlyArray<number> = [],
): string {
	const th = head.map((h, i) => `<th scope="col"${numeric.includes(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
	const body = rows
		.map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
		.join('');
	return `<table><caption class="muted">${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A chart with its title shown above it (the SVG's own title is for screen readers). */
function fig(title: string, svg: string): string {
	return `<figure><figcaption>${escapeHtml(title)}</figcaption>${svg}</figure>`;
}

function conflictHint(t: T, reason: string): string {
	const code = reason.split(':')[0].trim();
	return ['unknown-person', 'email-taken', 'role-missing', 'allocation-failed'].includes(code)
		? t(`conflict_hint_${code}`)
		: t('conflict_hint_other');
}

/** The whole page. */
export function renderReport(m: ReportModel, t: T): string {
	const runs = m.runs.slice(-50);
	const xRuns = runs.map((r) => time(r.at, m.lang));
	const durations = barChart([{ label: t('report_duration'), values: runs.map((r) => r.durationMs) }], {
		id: 'chart-durations',
		title: t('report_chart_durations'),
		description: t('report_chart_durations_desc', { count: runs.length }),
		xLabels: xRuns,
		unit: 'ms',
	});
	const groups = WRITE_GROUPS.map((g, i) => ({
		label: t(`report_writes_${g.key}`),
		values: runs.map((r) => g.kinds.reduce((a, k) => a + (r.applied[k] ?? 0), 0)),
		color: PALETTE[i],
	}));
	const writes = barChart(groups, {
		id: 'chart-writes',
		title: t('report_chart_writes'),
		description: t('report_chart_writes_desc', { count: runs.length }),
		xLabels: xRuns,
	});
	const conflicts = barChart([{ label: t('report_conflicts'), values: runs.map((r) => r.conflicts), color: PALETTE[3] }], {
		id: 'chart-conflicts',
		title: t('report_chart_conflicts'),
		description: t('report_chart_conflicts_desc', { count: runs.length }),
		xLabels: xRuns,
	});
	const outbox = lineChart(
		{ label: t('report_outbox_depth'), values: m.outbox.map((s) => s.depth), color: PALETTE[4] },
		{
			id: 'chart-outbox',
			title: t('report_chart_outbox'),
			description: t('report_chart_outbox_desc', { count: m.outbox.length }),
			xLabels: m.outbox.map((s) => time(s.at, m.lang)),
		},
	);

	const overview: string[] = [];
	if (m.halted) {
		overview.push(
			`<div class="alert" role="status"><strong>${escapeHtml(t('report_halted', { fingerprint: m.halted.fingerprint }))}</strong><ul>${m.halted.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul></div>`,
		);
	} else overview.push(`<div class="ok" role="status">${escapeHtml(t('report_not_halted'))}</div>`);
	overview.push(
		`<dl><dt>${escapeHtml(t('report_last_run'))}</dt><dd>${m.lastRun ? escapeHtml(`${time(m.lastRun.at, m.lang)} · ${m.lastRun.outcome}`) : escapeHtml(t('report_never'))}</dd>` +
			`<dt>${escapeHtml(t('report_next_run'))}</dt><dd>${m.nextRunAt ? escapeHtml(time(m.nextRunAt, m.lang)) : '—'}</dd>` +
			`<dt>${escapeHtml(t('report_outbox_depth'))}</dt><dd>${m.outboxDepth ?? '—'}</dd>` +
			`<dt>${escapeHtml(t('report_dead_letters'))}</dt><dd>${m.deadBatches}</dd></dl>`,
	);

	let plan: string;
	if (!m.plan) plan = `<p>${escapeHtml(t('report_no_plan'))}</p>`;
	else {
		const p = m.plan;
		const kinds = ITEM_ORDER.filter((k) => (p.byKind[k] ?? 0) > 0);
		const counts = table(
			t('report_plan_counts_caption'),
			[t('report_kind'), t('report_count')],
			kinds.map((k) => [t(`plan_kind_${k}`), p.byKind[k] ?? 0]),
			[1],
		);
		const items = table(
			t('report_plan_items_caption', {
				from: p.page.total === 0 ? 0 : p.page.offset + 1,
				to: p.page.offset + p.page.items.length,
				total: p.page.total,
			}),
			[t('report_change'), t('report_person'), t('report_target')],
			p.page.items.map((i) => [
				t(`plan_kind_${i.kind}`),
				i.username && i.username !== i.who ? `${i.who} (@${i.username})` : i.who,
				i.target ?? i.reason ?? '',
			]),
		);
		const pager = [
			m.prevHref ? `<a href="${escapeHtml(m.prevHref)}" rel="prev">${escapeHtml(t('report_prev'))}</a>` : '',
			m.nextHref ? `<a href="${escapeHtml(m.nextHref)}" rel="next">${escapeHtml(t('report_next'))}</a>` : '',
		]
			.filter(Boolean)
			.join(' · ');
		plan =
			`<p>${escapeHtml(t('report_plan_intro', { total: p.total, fingerprint: p.fingerprint, source: t(sourceKey(p.source)) }))}</p>` +
			counts +
			`<h3 id="plan-items">${escapeHtml(t('report_plan_items'))}</h3>` +
			items +
			(pager ? `<nav aria-label="${escapeHtml(t('report_plan_pages'))}"><p>${pager}</p></nav>` : '');
	}

	const conflictRows = m.conflicts.map((c) => [
		c.name ? `${c.name} (${c.externalId})` : c.externalId,
		c.reason,
		conflictHint(t, c.reason),
	]);
	const conflictSection =
		m.conflicts.length === 0
			? `<p>${escapeHtml(t('report_no_conflicts'))}</p>`
			: table(
					t('report_conflicts_caption', { shown: m.conflicts.length, total: m.conflictCount }),
					[t('report_person'), t('report_reason'), t('report_what_to_do')],
					conflictRows,
				);

	const runTable = table(
		t('report_runs_caption', { count: runs.length }),
		[
			t('report_time'),
			t('report_outcome'),
			t('report_duration'),
			...WRITE_GROUPS.map((g) => t(`report_writes_${g.key}`)),
			t('report_failed'),
			t('report_conflicts'),
		],
		runs.map((r, i) => [xRuns[i], r.outcome, r.durationMs, ...groups.map((g) => g.values[i]), r.failed, r.conflicts]),
		[2, 3, 4, 5, 6, 7, 8],
	);
	const outboxTable = table(
		t('report_outbox_caption', { count: m.outbox.length }),
		[t('report_time'), t('report_outbox_depth')],
		m.outbox.map((s) => [time(s.at, m.lang), s.depth]),
		[1],
	);

	const sections: Array<[string, string, string]> = [
		['overview', t('report_overview'), overview.join('')],
		[
			'runs',
			t('report_runs'),
			runs.length === 0
				? `<p>${escapeHtml(t('report_no_runs'))}</p>`
				: `${fig(t('report_chart_durations'), durations)}${fig(t('report_chart_writes'), writes)}${fig(t('report_chart_conflicts'), conflicts)}<details><summary>${escapeHtml(t('report_as_table'))}</summary>${runTable}</details>`,
		],
		[
			'outbox',
			t('report_outbox'),
			m.outbox.length === 0
				? `<p>${escapeHtml(t('report_no_outbox'))}</p>`
				: `${fig(t('report_chart_outbox'), outbox)}<details><summary>${escapeHtml(t('report_as_table'))}</summary>${outboxTable}</details>`,
		],
		['plan', t('report_plan'), plan],
		['conflicts', t('report_conflicts_title'), conflictSection],
	];
	const nav = sections.map(([id, title]) => `<li><a href="#${id}-h">${escapeHtml(title)}</a></li>`).join('');
	const body = sections
		.map(
			([id, title, html]) =>
				`<section aria-labelledby="${id}-h"><h2 id="${id}-h" tabindex="-1">${escapeHtml(title)}</h2>${html}</section>`,
		)
		.join('');
	return (
		`<!DOCTYPE html><html lang="${escapeHtml(m.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
		`<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">` +
		`<title>${escapeHtml(t('report_title'))}</title><style>${CSS}</style></head><body>` +
		`<a class="skip" href="#main">${escapeHtml(t('report_skip'))}</a>` +
		`<header><h1>${escapeHtml(t('report_title'))}</h1><p class="muted">${escapeHtml(t('report_generated', { time: time(m.now, m.lang), expires: time(m.expiresAt, m.lang) }))}</p>` +
		`<nav aria-label="${escapeHtml(t('report_sections'))}"><ul>${nav}</ul></nav></header>` +
		`<main id="main" tabindex="-1">${body}</main>` +
		`<footer class="muted"><p>${escapeHtml(t('report_footer'))}</p></footer></body></html>`
	);
}

/** The i18n key naming where a stored plan preview came from. */
function sourceKey(source: string): string {
	return source === 'halt' ? 'report_source_halt' : 'report_source_dry_run';
}
