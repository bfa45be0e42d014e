import { PersonInput } from '../features/accounts/AccountService';
import { signOn } from '../features/accounts/signOn';
import { EndpointSpec, Reply, RequestContext } from './frontDoor';
import { errorReply, person, ssoToken } from '../contract/schemas';

const refused = (error: string): Reply => ({ status: 403, body: { error } });
const accountExists: Reply = { status: 409, body: { error: 'account-exists' } };
const chatServerError = (reference: string): Reply => ({ status: 502, body: { error: 'chat-server-error', reference } });

/**
 * `POST sso/token`: a login token for a person of the system of record, creating their account
 * when needed. Known people get their token in one REST round trip.
 */
export function ssoTokenSpec(): EndpointSpec {
	return {
		path: 'sso/token',
		operations: [
			{
				method: 'post',
				id: 'createLoginToken',
				summary:
					'Ensure the person has a Rocket.Chat account and return a login token for it. Calls for the same person at the same ' +
					'time, on any server instance, end on the same account. A person who signed on is known to the sync (groups may name ' +
					'them) with the profile sent here, unless `PUT people`, a snapshot or the feed describes them.',
				body: person,
				responses: {
					200: { description: 'A login token, and a link that logs the person in.', schema: ssoToken },
					403: {
						description:
							'`registration-disabled` (unknown person), `account-inactive`, or `account-privileged`: the account holds a ' +
							'privileged role (admin, or one of the privileged roles setting) or is a bot or app account; never a token for it.',
						schema: errorReply,
					},
					409: {
						description:
							'`account-exists`: the e-mail address belongs to an account the app did not create and may not link, and no ' +
							'alias of it fits; or the person is linked to such an account while linking is off.',
						schema: errorReply,
					},
					502: {
						description: '`chat-server-error`: Rocket.Chat refused; the reason is in the integration log under `reference`.',
						schema: errorReply,
					},
				},
				handle: (ctx: RequestContext<unknown>) => handleSso(ctx as RequestContext<PersonInput>),
			},
		],
	};
}

async function handleSso(ctx: RequestContext<PersonInput>): Promise<Reply> {
	const { read, persis, http, modify, config } = ctx;
	const outcome = await signOn({ read, persis, http, modify, config, logger: ctx.app.getLogger() }, ctx.body);
	switch (outcome.kind) {
		case 'token': {
			const { kind: _kind, ...body } = outcome;
			return { status: 200, body };
		}
		case 'refused':
			return refused(outcome.error);
		case 'account-exists':
			return accountExists;
		case 'chat-server-error':
			return chatServerError(outcome.reference);
	}
}
