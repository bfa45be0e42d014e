/**
 * `npm start`: a local Rocket.Chat stand-in with the packaged app installed and configured, behaving
 * as a stock Rocket.Chat 7.10 server.
 * Environment: PORT (3000), ADMIN_USERNAME / ADMIN_PASSWORD / ADMIN_EMAIL, INTEGRATION_API_KEY,
 * INSTANCES (1 to 3), RATE_LIMITER (`stock`, the default, or `off` as in Rocket.Chat's TEST_MODE),
 * and Rocket.Chat's own switches: ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS, CREATE_TOKENS_FOR_USERS,
 * CREATE_TOKENS_FOR_USERS_SECRET (all off by default, as on a stock server).
 * ENGINE (the Apps-Engine version to host; sandbox/engines/engines.json lists them),
 * SANDBOX_ADVERSARIAL=1 (random delays and reordering of the instances' calls; seed from SANDBOX_SEED).
 */
import { adversarialFromEnv, seedFromEnv } from './adversary';
import { hostedVersions, pinnedVersion } from './engines/engines.mjs';
import { Sandbox } from './sandbox';

async function main(): Promise<void> {
	const t0 = Date.now();
	const sandbox = new Sandbox({
		port: Number(process.env.PORT ?? 3000),
		instances: Number(process.env.INSTANCES ?? 1),
		adminUsername: process.env.ADMIN_USERNAME,
		adminPassword: process.env.ADMIN_PASSWORD,
		adminEmail: process.env.ADMIN_EMAIL,
		apiKey: process.env.INTEGRATION_API_KEY,
		rateLimiter: process.env.RATE_LIMITER === 'off' ? 'off' : 'stock',
		allowUnsafeQueryAndFields: isOn(process.env.ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS),
		createTokensForUsers: isOn(process.env.CREATE_TOKENS_FOR_USERS),
		createTokensForUsersSecret: process.env.CREATE_TOKENS_FOR_USERS_SECRET || undefined,
		adversarial: adversarialFromEnv(false) ? seedFromEnv() : false,
	});
	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write('\nStopping the sandbox...\n');
		await sandbox.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	let info;
	try {
		info = await sandbox.start();
	} catch (err) {
		process.stderr.write(`The sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
		await stop(1);
		return;
	}
	const base = `${info.url}/api/apps/public/${info.appId}`;
	const env = sandbox.world.env;
	const switches = ['ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS', 'CREATE_TOKENS_FOR_USERS', 'CREATE_TOKENS_FOR_USERS_SECRET']
		.map((name) => `${name}=${env.has(name) ? (name.endsWith('SECRET') ? 'set' : env.get(name)) : 'unset'}`)
		.join(', ');
	const lines = [
		'',
		`Rocket.Chat sandbox ready in ${Date.now() - t0} ms (Apps-Engine ${sandbox.engineVersion}, ${sandbox.instances.length} engine instance(s), app ${await sandbox.appStatus()})`,
		...(sandbox.adversary ? [`Adversarial scheduling on, SANDBOX_SEED=${sandbox.adversary.seed}`] : []),
		'',
		`  Apps-Engine     ${sandbox.engineVersion}   (ENGINE=${hostedVersions().join('|')}; default ${pinnedVersion()})`,
		`  Server          ${info.url}`,
		`  REST API        ${info.url}/api/v1`,
		`  App endpoints   ${base}/...`,
		`  OpenAPI         ${base}/openapi.json`,
		'',
		`  Admin           ${info.admin.username} / ${info.admin.password}`,
		`  Admin user id   ${info.admin.userId}`,
		`  Admin token     ${info.admin.authToken}   (headers X-User-Id / X-Auth-Token)`,
		`  API key         ${info.apiKey}   (Authorization: Bearer <key>)`,
		'',
		`  Rate limiter    ${sandbox.world.rateLimit.enabled ? 'stock (10 calls per endpoint per minute and address)' : 'off'}`,
		`  Switches        ${switches}`,
		'',
		'Try:',
		`  curl -s -X POST ${info.url}/api/v1/login -H 'Content-Type: application/json' -d '{"user":"${info.admin.username}","password":"${info.admin.password}"}'`,
		`  curl -s ${base}/openapi.json`,
		'',
		'Press Ctrl-C to stop.',
		'',
	];
	process.stdout.write(lines.join('\n'));
}

function isOn(v: string | undefined): boolean {
	return v !== undefined && ['true', 'yes'].includes(v.trim().toLowerCase());
}

void main();
