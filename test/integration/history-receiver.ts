/**
 * A chat-history receiver for tests: a small HTTP server on 127.0.0.1 that plays the system of
 * record, and fails on purpose when told to (status codes, hanging until the client gives up,
 * dropped connections, a lost acknowledgement, being down).
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedEntry {
	id: string;
	roomId: string;
	roomName: string;
	userId: string;
	username: string;
	externalId?: string;
	text: string;
	ts: string;
	event?: string;
}

/**
 * What to do with one request:
 * - `ok`: store the batch, answer 200;
 * - `500`, `503`, `429`, `400`: answer that status without storing (`retryAfter` seconds on 429/503 when set);
 * - `hang`: never answer (the client's timeout ends it);
 * - `drop`: close the connection without an answer;
 * - `ack-lost`: store the batch, then close the connection: the sender sees a failure and sends it again.
 */
export type Fault = 'ok' | 500 | 503 | 429 | 400 | 'hang' | 'drop' | 'ack-lost';

export interface RequestLog {
	n: number;
	fault: Fault;
	count: number;
	/** The message ids of the batch. */
	ids: string[];
	authorization: string | undefined;
}

export class HistoryReceiver {
	/** Every entry of every stored batch, in arrival order (duplicates included). */
	readonly entries: ReceivedEntry[] = [];
	readonly requests: RequestLog[] = [];
	/** Decides the fault of the n-th request (0-based); `ok` by default. */
	plan: (n: number) => Fault = () => 'ok';
	retryAfterSeconds?: number;
	private server?: Server;
	private port = 0;
	private readonly sockets = new Set<Socket>();

	get url(): string {
		return `http://127.0.0.1:${this.port}/history`;
	}

	get listening(): boolean {
		return !!this.server?.listening;
	}

	async start(): Promise<void> {
		const server = createServer((req, res) => this.handle(req, res));
		server.on('connection', (s: Socket) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.port, '127.0.0.1', () => resolve());
		});
		this.port = (server.address() as AddressInfo).port;
		this.server = server;
	}

	/** Stops listening and cuts every open connection (the app sees refused connections until `start`). */
	async stop(): Promise<void> {
		const server = this.server;
		this.server = undefined;
		if (!server) return;
		for (const s of this.sockets) s.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	/** Down and up again on the same port. */
	async restart(): Promise<void> {
		await this.stop();
		await this.start();
	}

	/** Entries by message id and event, first arrival only. */
	firstArrivals(): ReceivedEntry[] {
		const seen = new Set<string>();
		const out: ReceivedEntry[] = [];
		for (const e of this.entries) {
			const k = `${e.id}|${e.event ?? ''}|${e.ts}`;
			if (seen.has(k)) continue;
			seen.add(k);
			out.push(e);
		}
		return out;
	}

	private handle(req: IncomingMessage, res: ServerResponse): void {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const n = this.requests.length;
			const fault = this.plan(n);
			let messages: ReceivedEntry[] = [];
			try {
				messages = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: ReceivedEntry[] }).messages;
			} catch {
				// Counted with count 0; a test asserting on bodies will see it.
			}
			this.requests.push({
				n,
				fault,
				count: messages.length,
				ids: messages.map((m) => m.id),
				authorization: req.headers.authorization,
			});
			if (fault === 'hang') return;
			if (fault === 'drop') {
				req.socket.destroy();
				return;
			}
			if (fault === 'ok' || fault === 'ack-lost') this.entries.push(...messages);
			if (fault === 'ack-lost') {
				req.socket.destroy();
				return;
			}
			const status = fault === 'ok' ? 200 : fault;
			const headers: Record<string, string> = { 'Content-Type': 'application/json' };
			if ((status === 429 || status === 503) && this.retryAfterSeconds !== undefined)
				headers['Retry-After'] = String(this.retryAfterSeconds);
			res.writeHead(status, headers);
			res.end(JSON.stringify(status === 200 ? { received: messages.length } : { error: 'failing on purpose' }));
		});
	}
}
