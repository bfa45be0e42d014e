/**
 * The part of Rocket.Chat's REST API (`/api/v1`) the app and the tests use, one module per endpoint
 * family. Each route declares what Rocket.Chat's API layer checks before the endpoint runs: its
 * parameter validator (the server's own, from `@rocket.chat/rest-typings`) and its required
 * permissions. The endpoints answer with Rocket.Chat's shapes and error strings; docs/sandbox.md
 * lists the version followed per endpoint and the differences that remain.
 */
import type { Route } from '../sandbox';
import { WorldError } from '../world/world';
import { badRequest } from '../http';
import { chatRoutes } from './chat';
import { miscRoutes } from './misc';
import { roomsRoutes } from './rooms';
import { usersRoutes } from './users';

export function v1Routes(): Route[] {
	return [...miscRoutes(), ...usersRoutes(), ...roomsRoutes(), ...chatRoutes()].map((route) => ({
		...route,
		handler: wrapWorldErrors(route.handler),
	}));
}

/** A world error is a Meteor.Error of the server: `reason [type]` with its type. */
function wrapWorldErrors(handler: Route['handler']): Route['handler'] {
	return async (ctx) => {
		try {
			return await handler(ctx);
		} catch (err) {
			if (err instanceof WorldError) throw badRequest(err.reason, err.errorType);
			throw err;
		}
	};
}
