/**
 * Admin experience benchmarks (issue 17): a pending plan of 10,000 changes.
 *
 * 1. App-side work, in process: naming the plan's 10,000 changes (what a halted run stores), drawing
 *    the panel's plan view and confirm modal (one page each) and rendering the report page (a page of
 *    the plan, 50 runs, a day of outbox samples): time against the 200 ms budget. The details give
 *    the size of what is sent, so paging is seen to keep each view small.
 * 2. In the sandbox (real engine, Deno runtime, app persistence): the report page and the panel's plan
 *    tab for a stored 10,000-change plan, per request, against a bare app endpoint (`GET ping`) in the
 *    same run; the difference is the app-side cost of reading the stored pages and drawing.
 */
import { previewPlan, PlanItem } from '../core/admin/planPreview';
import { renderReport, ReportModel } from '../core/admin/report';
import { format } from '../core/i18n';
import { OpKind, SyncOp } from '../core/sync/types';
import { PREVIEW_PAGE_SIZE } from '../adapters/persistence/PlanPreviewRepository';
import { signLink } from '../features/admin/reportLink';
import { confirmView } from '../ui/admin/confirmView';
import { PANEL_PLAN_PAGE, planView } from '../ui/admin/planView';
import { Harness } from '../test/integration/harness';
import { Benchmark, median, timePerCall } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const en = require('../i18n/en.json') as Record<string, string>;
const t = (key: string, params?: Readonly<Record<string, string | number>>) => format(en[key] ?? key, params);

const CHANGES = 10_000;
/** At smoke size (CI): a tenth. */
const SMOKE_CHANGES = 1_000;
/** A view the panel sends stays under this, whatever the plan's size (paging). */
const VIEW_BYTES = 16_000;
const BUDGET_MS = 200;

/** 10,000 changes: people leaving rooms and deactivated, some joining, roles granted. */
function bigPlan(n: number): SyncOp[] {
	const ops: SyncOp[] = [];
	for (let i = 0; i < n; i++) {
		const externalId = `p${i}`;
		const username = `person.${i}`;
		const userId = `u${i}`;
		switch (i % 4) {
			case 0:
				ops.push({ kind: 'removeMember', externalId, userId, username, groupKey: `g${i % 97}`, roomId: `r${i % 97}` });
				break;
			case 1:
				ops.push({ kind: 'deactivateUser', externalId, userId, username, reason: 'no-groups' });
				break;
			case 2:
				ops.push({ kind: 'addMember', externalId, userId, username, groupKey: `g${i % 89}`, roomId: `r${i % 89}` });
				break;
			default:
				ops.push({ kind: 'addRole', externalId, userId, username, roleName: 'member' });
		}
	}
	return ops;
}

const names = {
	person: (id: string) => `First${id.slice(1)} Last${id.slice(1)}`,
	room: (key: string) => `room-${key}`,
};

function reportModel(items: PlanItem[], byKind: Partial<Record<OpKind, number>>, total: number): ReportModel {
	const now = Date.now();
	return {
		lang: 'en',
		now,
		expiresAt: now + 900_000,
		halted: {
			since: now,
			reasons: ['the run would deactivate 2500 of 10000 active accounts (25.0 %), more than the limit of 20.0 %'],
			fingerprint: 'abcdef012345',
		},
		lastRun: { at: now, outcome: 'halted' },
		nextRunAt: now + 900_000,
		outboxDepth: 12,
		deadBatches: 0,
		runs: Array.from({ length: 50 }, (_, i) => ({
			at: now - i * 900_000,
			durationMs: 900 + i,
			outcome: 'finished',
			applied: { addMember: i, createUser: 2, removeRole: 1 },
			failed: 0,
			conflicts: i % 3,
		})),
		outbox: Array.from({ length: 96 }, (_, i) => ({ at: now - i * 900_000, depth: (i * 37) % 500 })),
		plan: {
			fingerprint: 'abcdef012345',
			source: 'halt',
			total,
			byKind,
			page: { offset: 0, count: 100, total: items.length, items: items.slice(0, 100) },
		},
		conflicts: Array.from({ length: 200 }, (_, i) => ({
			externalId: `c${i}`,
			name: `Conflict ${i}`,
			reason: 'email-taken: the address is used by another account',
		})),
		conflictCount: 200,
		prevHref: null,
		nextHref: '?t=x&offset=100',
	};
}

const appSide: Benchmark = {
	name: `admin: name a ${CHANGES.toLocaleString('en')}-change plan, draw the panel's plan view and confirm modal, render the report page (ms; target ${BUDGET_MS} ms)`,
	unit: 'ms',
	target: { on: 'value', direction: '<=', full: BUDGET_MS, smoke: BUDGET_MS / 4 },
	async run({ smoke }) {
		const n = smoke ? SMOKE_CHANGES : CHANGES;
		const ops = bigPlan(n);
		let listed = 0;
		let bytes = { panel: 0, confirm: 0, page: 0, allItems: 0 };
		const once = () => {
			const preview = previewPlan(ops, names);
			const plan = {
				fingerprint: 'abcdef012345',
				source: 'halt',
				at: Date.now(),
				halted: { reasons: ['the run would deactivate 2500 of 10000 active accounts'] },
				total: preview.total,
				byKind: preview.byKind,
				conflictCount: 0,
				page: { offset: 0, count: PANEL_PLAN_PAGE, total: preview.items.length, items: preview.items.slice(0, PANEL_PLAN_PAGE) },
			};
			const panel = JSON.stringify(planView('app', t, plan));
			const confirm = JSON.stringify(
				confirmView('app', t, { ...plan, page: { ...plan.page, count: 50, items: preview.items.slice(0, 50) } }),
			);
			const page = renderReport(reportModel([...preview.items], preview.byKind, preview.total), t);
			listed = preview.items.length;
			bytes = { panel: panel.length, confirm: confirm.length, page: page.length, allItems: JSON.stringify(preview.items).length };
		};
		const us = timePerCall(once, { rounds: 15, warmup: 3 });
		return {
			value: us / 1000,
			baseline: null,
			checks: {
				everyChangeNamed: listed === n,
				panelViewSmall: bytes.panel < VIEW_BYTES,
				confirmModalSmall: bytes.confirm < VIEW_BYTES,
			},
			details: {
				changes: n,
				panelViewBytes: bytes.panel,
				confirmModalBytes: bytes.confirm,
				reportPageBytes: bytes.page,
				allItemsAsJsonBytes: bytes.allItems,
			},
		};
	},
};

const inSandbox: Benchmark = {
	name: `admin: report page for a stored ${CHANGES.toLocaleString('en')}-change plan in the sandbox, and the panel's plan tab (ms per request; target ${BUDGET_MS} ms)`,
	unit: 'ms',
	baselineIs: 'GET ping',
	target: { on: 'value', direction: '<=', full: BUDGET_MS, smoke: BUDGET_MS },
	async run({ smoke }) {
		const h = await Harness.start();
		try {
			const ops = bigPlan(smoke ? SMOKE_CHANGES : CHANGES);
			const preview = previewPlan(ops, names);
			const fingerprint = 'abcdef012345';
			const misc = (id: string) => ({ model: 'misc' as const, id });
			// The records a halted run leaves (adapters/persistence/PlanPreviewRepository.ts, SyncStateRepository.ts).
			h.world.persistenceCreate(
				h.appId,
				{
					at: Date.now(),
					fingerprint,
					reasons: ['the run would deactivate 2500 of 10000 active accounts'],
					plan: { conflicts: [] },
					conflictCount: 0,
				},
				[misc('ri:sync-state'), misc('ri:sync-state:halt')],
			);
			for (let i = 0, page = 0; i < preview.items.length; i += PREVIEW_PAGE_SIZE, page++) {
				h.world.persistenceCreate(h.appId, { fingerprint, page, items: preview.items.slice(i, i + PREVIEW_PAGE_SIZE) }, [
					misc('ri:plan-preview-page'),
					misc(`ri:plan-preview-page:${fingerprint}.${page}`),
					misc(`ri:plan-preview-page#fp:${fingerprint}`),
				]);
			}
			h.world.persistenceCreate(
				h.appId,
				{
					fingerprint,
					source: 'halt',
					at: Date.now(),
					total: preview.total,
					stored: preview.items.length,
					byKind: preview.byKind,
					conflictCount: 0,
				},
				[misc('ri:plan-preview'), misc('ri:plan-preview:pending')],
			);
			// The report link, signed with the key the app makes on first use.
			const roomId = h.createRoom('bench-admins', ['admin']);
			await h.command(roomId, 'integration', 'report');
			const key = await h.waitFor(
				() => (h.world.persistenceReadByAssociations(h.appId, [misc('ri:report-key')]) as Array<{ key: string }>)[0]?.key,
				'the report key',
			);
			const link = `/api/apps/public/${h.appId}/report?t=${signLink(Buffer.from(key, 'base64'), h.admin.userId, Date.now())}`;

			const time = async (fn: () => Promise<void>, n = 15): Promise<number> => {
				for (let i = 0; i < 3; i++) await fn();
				const samples: number[] = [];
				for (let i = 0; i < n; i++) {
					const t0 = process.hrtime.bigint();
					await fn();
					samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
				}
				return median(samples);
			};
			let pageBytes = 0;
			let viewBytes = 0;
			const report = await time(async () => {
				const res = await h.http<unknown>('GET', link);
				if (res.status !== 200) throw new Error(`report: ${res.status}`);
				pageBytes = typeof res.body === 'string' ? res.body.length : 0;
			});
			const tab = await time(async () => {
				const res = await h.http('POST', `/api/apps/ui.interaction/${h.appId}`, {
					headers: { 'X-User-Id': h.admin.userId, 'X-Auth-Token': h.admin.authToken },
					body: {
						type: 'blockAction',
						actionId: 'ri-admin.tab',
						triggerId: 't',
						payload: { value: 'plan' },
						container: { type: 'view', id: 'ri-admin:overview' },
					},
				});
				if ((res.body as { type?: string }).type !== 'modal.update')
					throw new Error(`plan tab: ${JSON.stringify(res.body).slice(0, 200)}`);
				viewBytes = JSON.stringify(res.body).length;
			});
			const ping = await time(async () => {
				const res = await h.app('GET', 'ping');
				if (res.status !== 200) throw new Error(`ping: ${res.status}`);
			});
			return {
				value: report,
				baseline: ping,
				checks: { planTabSmall: viewBytes < VIEW_BYTES, planTabWithinBudget: tab <= BUDGET_MS },
				details: {
					reportPageMs: Number(report.toFixed(1)),
					planTabMs: Number(tab.toFixed(1)),
					pingMs: Number(ping.toFixed(1)),
					reportPageBytes: pageBytes,
					planTabBytes: viewBytes,
					budgetMs: BUDGET_MS,
				},
			};
		} finally {
			await h.stop();
		}
	},
};

export const benchmarks: Benchmark[] = [appSide, inSandbox];
