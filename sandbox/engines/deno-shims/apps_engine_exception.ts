// The Apps-Engine 1.62 Deno runtime imports AppsEngineException from the engine's TypeScript sources
// (`../src/`), which the npm package does not ship. This module hands out the compiled class of the
// same package instead, through the runtime's own `require`, so it is the very class apps receive.
import { require } from '../lib/require.ts';

const mod = require('@rocket.chat/apps-engine/definition/exceptions/AppsEngineException.js') as {
	AppsEngineException: ErrorConstructor & { JSONRPC_ERROR_CODE: number };
};

export const AppsEngineException = mod.AppsEngineException;
