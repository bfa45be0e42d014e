/**
 * The report page: the signed link `/integration report` whispers, and the page it opens (checked,
 * gathered, rendered by core/admin/report.ts in the admin's language).
 */
import { IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { loadConfig, siteUrl } from '../../adapters/config';
import { loosely, translatorFor } from '../../adapters/i18n';
import { ReportKeyRepository } from '../../adapters/persistence/ReportKeyRepository';
import { syncStatus } from '../sync/status';
import { escapeHtml } from '../../core/admin/svg';
import { renderReport, ReportModel } from '../../core/admin/report';
import { pickLanguage } from '../../core/i18n';
import { conflicts, outboxSamples, pendingPlan, runSamples } from './service';
import { LINK_TTL_MS, signLink, verifyLink } from './reportLink';

/** The engine path of the report endpoint (under the app's public API). */
export const REPORT_PATH = 'report';
/** Items of the pending plan per page of the report. */
export const REPORT_PLAN_PAGE = 100;
/** Conflicts listed on the page. */
const REPORT_CONFLICTS = 200;

/** A signed link to the report for `user`, valid 15 minutes. */
export async function reportLink(
	read: IRead,
	persis: IPersistence,
	appId: string,
	user: IUser,
	now = Date.now(),
): Promise<{ url: string; expiresAt: number }> {
	const key = await new ReportKeyRepository().key(read.getPersistenceReader(), persis);
	const { config } = await loadConfig(read);
	const base = (await siteUrl(read, config.rocketChat.siteUrl)).replace(/\/+$/, '');
	const token = signLink(key, user.id, now);
	return { url: `${base}/api/apps/public/${appId}/${REPORT_PATH}?t=${token}`, expiresAt: now + LINK_TTL_MS };
}

export interface PageReply {
	status: number;
	html: string;
}

async function serverLanguage(read: IRead): Promise<string | undefined> {
	try {
		const v = (await read.getEnvironmentReader().getServerSettings().getValueById('Language')) as unknown;
		return typeof v === 'string' ? v : undefined;
	} catch {
		return undefined;
	}
}

async function refused(read: IRead): Promise<PageReply> {
	const t = loosely(await translatorFor(read));
	const lang = pickLanguage(await serverLanguage(read));
	return {
		status: 403,
		html:
			`<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(t('report_refused_title'))}</title></head>` +
			`<body><main><h1>${escapeHtml(t('report_refused_title'))}</h1><p>${escapeHtml(t('report_refused_text'))}</p></main></body></html>`,
	};
}

/** The page for a request: 403 for a missing, forged or expired link, or one made for someone no longer an admin. */
export async function reportPage(read: IRead, query: Record<string, unknown>, now = Date.now()): Promise<PageReply> {
	const key = await new ReportKeyRepository().existing(read.getPersistenceReader());
	const verdict = verifyLink(key, query.t, now);
	if (!verdict.ok) return refused(read);
	const user = await read.getUserReader().getById(verdict.claims.userId);
	if (!user || !Array.isArray(user.roles) || !user.roles.includes('admin')) return refused(read);

	const t = loosely(await translatorFor(read, user));
	const lang = pickLanguage(user.settings?.preferences?.language, await serverLanguage(read));
	const model = await reportModel(read, query.offset, now, verdict.claims.exp, lang, String(query.t));
	return { status: 200, html: renderReport(model, t) };
}

/** Everything the page shows, read from the app's records. */
export async function reportModel(
	read: IRead,
	offset: unknown,
	now: number,
	expiresAt: number,
	lang: string,
	token: string,
): Promise<ReportModel> {
	const { config } = await loadConfig(read);
	const reader = read.getPersistenceReader();
	const [status, runs, outbox, plan, conflictList] = await Promise.all([
		syncStatus(reader, config, now),
		runSamples(read),
		outboxSamples(read),
		pendingPlan(read, offset, REPORT_PLAN_PAGE, REPORT_PLAN_PAGE),
		conflicts(read),
	]);
	const lastOutbox = outbox[outbox.length - 1];
	const href = (o: number) => `?t=${encodeURIComponent(token)}&offset=${o}`;
	const page = plan?.page;
	return {
		lang,
		now,
		expiresAt,
		halted: status.halted
			? {
					since: status.halted.since ? Date.parse(status.halted.since) : null,
					reasons: status.halted.reasons,
					fingerprint: status.halted.fingerprint,
				}
			: null,
		lastRun: status.lastRun?.at ? { at: Date.parse(status.lastRun.at), outcome: status.lastRun.outcome } : null,
		nextRunAt: status.nextRunAt ? Date.parse(status.nextRunAt) : null,
		outboxDepth: lastOutbox ? lastOutbox.depth : null,
		deadBatches: lastOutbox ? lastOutbox.deadBatches : 0,
		runs,
		outbox,
		plan: plan ? { fingerprint: plan.fingerprint, source: plan.source, total: plan.total, byKind: plan.byKind, page: plan.page } : null,
		conflicts: conflictList.items.slice(0, REPORT_CONFLICTS).map((c) => ({
			externalId: c.externalId,
			...(c.name ? { name: c.name } : {}),
			reason: c.detail ? `${c.code}: ${c.detail}` : c.code,
		})),
		conflictCount: conflictList.total,
		prevHref: page && page.offset > 0 ? href(Math.max(0, page.offset - page.count)) : null,
		nextHref: page && page.offset + page.count < page.total ? href(page.offset + page.count) : null,
	};
}
