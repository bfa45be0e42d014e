import { execFileSync } from 'node:child_process';

import { ENGINE_DIR } from '../../sandbox/engine/engine-dir';

/** Deno runtimes of this project's engine copy still alive (none may outlive a sandbox). */
export function strayDenoProcesses(): string[] {
	try {
		return execFileSync('pgrep', ['-af', `${ENGINE_DIR}/deno-runtime/main.ts`], { encoding: 'utf8' })
			.split('\n')
			.filter((l) => l.trim().length > 0);
	} catch {
		return [];
	}
}

export const mochaHooks = {
	async afterAll(): Promise<void> {
		// Processes stop asynchronously after `sandbox.stop()` resolves; give them a short deadline.
		const deadline = Date.now() + 5000;
		let strays = strayDenoProcesses();
		while (strays.length > 0 && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 50));
			strays = strayDenoProcesses();
		}
		if (strays.length > 0) throw new Error(`Deno processes outlived the sandbox:\n${strays.join('\n')}`);
	},
};
