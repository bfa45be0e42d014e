import { IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';

import { ScimDesired, scimDesired } from '../../core/scim/desired';
import { ScimGroupRepository, ScimMemberRepository, ScimUserRepository } from '../../adapters/persistence/ScimRepositories';

/** SCIM Users and Groups as the sync's desired state sees them: three reads (users, groups, memberships). */
export async function loadScimDesired(read: IPersistenceRead): Promise<ScimDesired> {
	const [users, groups, members] = await Promise.all([
		new ScimUserRepository().listCurrent(read),
		new ScimGroupRepository().list(read),
		new ScimMemberRepository().list(read),
	]);
	return scimDesired({ users, groups, members });
}
