import type { Context } from 'mocha';

import { runtimePids } from '../../sandbox/sandbox';
import { Harness } from './harness';

/** The Deno runtimes started by this test run's sandboxes that are still alive. */
export function strayDenoProcesses(): number[] {
	return [...runtimePids].filter((pid) => {
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	});
}

/** Checks every running sandbox (see `Harness.checkErrors`); returns the failures, one block per sandbox. */
async function sandboxErrors(): Promise<string[]> {
	const failures: string[] = [];
	for (const h of Harness.live) {
		// Listeners still in flight report their errors with the test that caused them.
		await h.sandbox.quiesce();
		try {
			h.checkErrors();
		} catch (err) {
			failures.push(err instanceof Error ? err.message : String(err));
		}
	}
	return failures;
}

export const mochaHooks = {
	/**
	 * No silent crash: each test also checks, when its body has finished, that every running sandbox
	 * reported no error since the previous check, apart from those the test declared with
	 * `h.expectErrors(...)` (see harness.ts). The check runs inside the test (its function is wrapped
	 * here), so a crash fails that test alone; an after-each hook that failed would skip the rest of
	 * the run. A test that failed anyway gets the sandbox's errors added to its message.
	 */
	beforeEach(this: Context): void {
		const test = this.currentTest;
		const original = test?.fn;
		if (!test || !original || test.async) return; // callback-style tests are left alone (none here)
		test.fn = async function (this: Context): Promise<void> {
			try {
				await (original as (this: Context) => unknown).call(this);
			} catch (err) {
				const failures = await sandboxErrors();
				if (failures.length > 0 && err instanceof Error) err.message += `\n\nThe sandbox also reported:\n${failures.join('\n')}`;
				throw err;
			}
			const failures = await sandboxErrors();
			if (failures.length > 0) throw new Error(failures.join('\n'));
		};
	},

	async afterAll(): Promise<void> {
		// Processes end asynchronously after `sandbox.stop()` resolves; give them a short deadline.
		const deadline = Date.now() + 5000;
		let strays = strayDenoProcesses();
		while (strays.length > 0 && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 50));
			strays = strayDenoProcesses();
		}
		if (strays.length > 0) throw new Error(`Deno runtimes outlived their sandbox: pids ${strays.join(', ')}`);
	},
};
