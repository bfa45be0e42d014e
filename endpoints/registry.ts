import { ApiEndpoint } from '@rocket.chat/apps-engine/definition/api';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';

import { EndpointSpec, FrontDoorEndpoint } from './frontDoor';
import { openApiSpec } from './OpenApiEndpoint';
import { pingSpec } from './PingEndpoint';
import { pointsSpecs } from './PointsEndpoint';
import { reportSpec } from './ReportEndpoint';
import { scimEndpoints } from './scim/ScimEndpoint';
import { ssoTokenSpec } from './SsoTokenEndpoint';
import { statusSpec } from './StatusEndpoint';
import { syncSpecs } from './SyncEndpoints';
import { triggersSpec } from './TriggersEndpoint';

/**
 * Every endpoint of the external API. Each feature adds its spec here; all go through the front
 * door and into the OpenAPI description.
 */
export function endpointSpecs(appId: string, version = ''): EndpointSpec[] {
	const specs: EndpointSpec[] = [pingSpec(version), ssoTokenSpec()];
	specs.push(...pointsSpecs(), triggersSpec());
	specs.push(...syncSpecs(), statusSpec());
	specs.push(openApiSpec(appId, () => specs));
	return specs;
}

/**
 * The endpoints the app serves: the external API, the admins' report page (opened from a signed link in a
 * browser; not part of the systems of record's contract, so not in its OpenAPI description), then the SCIM
 * service provider's (its own tokens, its own error schema).
 */
export function externalEndpoints(app: IApp): ApiEndpoint[] {
	const specs = [...endpointSpecs(app.getID(), app.getVersion()), reportSpec()];
	const front: ApiEndpoint[] = specs.map((spec) => new FrontDoorEndpoint(app, spec));
	return [...front, ...scimEndpoints(app)];
}
