// What went wrong, as text: the one way the app turns anything thrown into words for a log line or a
// reply. Errors that cross the engine's bridge can arrive as plain objects with a `message`.

/** The message of anything thrown: an Error's message, else an object's `message`, else the value as text. */
export function describeError(err: unknown): string {
	if (err instanceof Error) return err.message;
	if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string')
		return (err as { message: string }).message;
	return String(err);
}

/** Anything thrown, as an Error (kept when it is one). */
export function asError(err: unknown): Error {
	return err instanceof Error ? err : new Error(describeError(err));
}
