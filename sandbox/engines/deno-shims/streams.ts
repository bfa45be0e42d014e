// Local stand-in for jsr:@std/streams (unreachable here), imported by the Apps-Engine 1.62 Deno runtime
// for upload events. It covers the one function the runtime uses.
export async function toArrayBuffer(stream: ReadableStream<Uint8Array>): Promise<ArrayBuffer> {
	const chunks: Uint8Array[] = [];
	let size = 0;
	for await (const chunk of stream) {
		chunks.push(chunk);
		size += chunk.length;
	}
	const out = new Uint8Array(size);
	let off = 0;
	for (const chunk of chunks) {
		out.set(chunk, off);
		off += chunk.length;
	}
	return out.buffer;
}
