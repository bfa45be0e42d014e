import { REPORT_PATH, reportPage } from '../features/admin/report';
import { EndpointSpec, Reply, RequestContext } from './frontDoor';

/** Nothing from elsewhere: no script, no font, no image but inline SVG and data URLs; never framed. */
const PAGE_HEADERS = {
	'Content-Type': 'text/html; charset=utf-8',
	'Content-Security-Policy':
		"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
	'X-Frame-Options': 'DENY',
};

/**
 * `GET report?t=<signed link>`: the admin report page, opened from the link `/integration report`
 * whispers. Not part of the systems of record's API: no bearer key, the signed link is the credential
 * (15 minutes, one admin); a missing, forged or expired link gets 403.
 */
export function reportSpec(): EndpointSpec {
	return {
		path: REPORT_PATH,
		operations: [
			{
				method: 'get',
				id: 'getReport',
				summary:
					'The admin report page (HTML), opened from the signed link `/integration report` gives an admin; not for systems of record.',
				auth: false,
				query: {
					t: { schema: { type: 'string' }, description: 'The signed link (valid 15 minutes).' },
					offset: { schema: { type: 'string', pattern: '^[0-9]{1,7}$' }, description: 'First item of the pending plan shown.' },
				},
				responses: {
					200: { description: 'The report page (text/html).' },
					403: { description: 'Missing, forged or expired link, or one made for a user who is no longer an admin (text/html).' },
				},
				handle: getReport,
			},
		],
	};
}

async function getReport(ctx: RequestContext): Promise<Reply> {
	const page = await reportPage(ctx.read, ctx.query);
	return { status: page.status, body: page.html, headers: PAGE_HEADERS };
}
