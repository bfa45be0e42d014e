import { ChildProcess, fork } from 'node:child_process';
import { join, resolve } from 'node:path';

import type { Adversary } from './adversary';
import type { EngineApi } from './engine/host';
import { delayed, methodsOf, Remote, remote, Rpc } from './rpc';
import type { WorldService } from './world/service';

const ROOT = resolve(__dirname, '..');

/** One running engine instance (a child process with its AppManager and Deno subprocesses). */
export class EngineInstance {
	constructor(
		readonly index: number,
		readonly child: ChildProcess,
		readonly rpc: Rpc,
		readonly engine: Remote<EngineApi>,
	) {}

	get pid(): number | undefined {
		return this.child.pid;
	}

	/** Stops the engine (its Deno subprocesses first), then the process. */
	async stop(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
		let grace: NodeJS.Timeout | undefined;
		try {
			await Promise.race([this.engine.shutdown(), new Promise((r) => (grace = setTimeout(r, 5000)))]);
		} catch {
			// Already gone or failing: kill below.
		} finally {
			clearTimeout(grace);
		}
		this.child.disconnect?.();
		const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
		await exited;
		clearTimeout(timer);
	}
}

/**
 * World calls that set an instance up (app storage, sources, logs, registrations): never delayed in
 * adversarial mode, which is about the app's work, not about installing it.
 */
const SET_UP_CALLS =
	/^world\.(storage|source|log|registerApi|unregisterApis|registerCommand|unregisterCommand|setCommandEnabled|commandExists|setAppStatus|recordPermissionError|recordOutbound|federationKeys|sentEmail)/;

/** App persistence writes: in adversarial mode some of them land late. */
const WRITES = /^world\.persistence(Create|Update|Remove)/;

/**
 * Starts engine instance number `index`, serving the world's calls from it over IPC. With an adversary,
 * every other world call of the instance waits a random time before it runs and before its answer.
 */
export function startInstance(service: WorldService, index: number, adversary?: Adversary): Promise<EngineInstance> {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
		SANDBOX_INSTANCE: String(index),
	};
	// The host's app-permission checks are skipped under NODE_ENV=test: never pass it on.
	delete env.NODE_ENV;
	const child = fork(join(__dirname, 'engine', 'host.ts'), [], {
		cwd: ROOT,
		execArgv: ['--import', 'tsx'],
		serialization: 'advanced',
		env,
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const rpc = new Rpc(
		(msg) => {
			if (child.connected) child.send(msg);
			else throw new Error('engine instance is not connected');
		},
		adversary
			? delayed(
					methodsOf(service, 'world.'),
					adversary,
					(method) => !SET_UP_CALLS.test(method),
					index,
					(method) => WRITES.test(method),
				)
			: methodsOf(service, 'world.'),
	);
	const instance = new EngineInstance(index, child, rpc, remote<EngineApi>(rpc, 'engine.'));
	return new Promise((resolvePromise, reject) => {
		const onExit = (code: number | null) => {
			rpc.close(new Error(`engine instance ${index} exited (${code})`));
			reject(new Error(`engine instance ${index} exited during start (${code})`));
		};
		child.once('exit', onExit);
		child.on('message', (msg: unknown) => {
			if (rpc.receive(msg)) return;
			const m = msg as { ready?: boolean; error?: string };
			if (m.ready === true) {
				child.off('exit', onExit);
				child.once('exit', (code) => rpc.close(new Error(`engine instance ${index} exited (${code})`)));
				resolvePromise(instance);
			} else if (m.ready === false) {
				reject(new Error(`engine instance ${index} failed to start: ${m.error}`));
			}
		});
	});
}
