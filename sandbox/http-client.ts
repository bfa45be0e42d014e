import * as http from 'node:http';
import * as https from 'node:https';

/** One real HTTP(S) request, bounded by `timeoutMs` from start to the end of the body. */
export function httpRequest(
	url: URL,
	method: string,
	headers: Record<string, string>,
	body: string | undefined,
	timeoutMs: number,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
	return new Promise((resolvePromise, reject) => {
		const mod = url.protocol === 'https:' ? https : http;
		const req = mod.request(
			url,
			{ method, headers: body !== undefined ? { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } : headers },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					clearTimeout(timer);
					const h: Record<string, string> = {};
					for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
					resolvePromise({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks).toString('utf8') });
				});
				res.on('error', (err) => {
					clearTimeout(timer);
					reject(err);
				});
			},
		);
		const timer = setTimeout(() => req.destroy(new Error(`Request timed out after ${timeoutMs} ms`)), timeoutMs);
		req.on('error', (err) => {
			clearTimeout(timer);
			reject(err);
		});
		if (body !== undefined) req.write(body);
		req.end();
	});
}
