import { runtimePids } from '../../sandbox/sandbox';

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

export const mochaHooks = {
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
