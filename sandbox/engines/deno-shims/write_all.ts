// Local stand-in for deno.land/std io/write_all.ts (imported by URL up to Apps-Engine 1.59) and for
// jsr:@std/io (from 1.62): the sandbox reaches neither, so setup maps both to this module.
export interface Writer {
	write(p: Uint8Array): Promise<number>;
}
export interface WriterSync {
	writeSync(p: Uint8Array): number;
}

export async function writeAll(w: Writer, data: Uint8Array): Promise<void> {
	let off = 0;
	while (off < data.length) {
		off += await w.write(data.subarray(off));
	}
}

export function writeAllSync(w: WriterSync, data: Uint8Array): void {
	let off = 0;
	while (off < data.length) {
		off += w.writeSync(data.subarray(off));
	}
}
