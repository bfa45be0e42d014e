import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { ISlashCommand } from '@rocket.chat/apps-engine/definition/slashcommands';

import { IntegrationCommand } from './IntegrationCommand';
import { MobileCommand } from './MobileCommand';
import { PointsCommand } from './PointsCommand';
import { TriggersCommand } from './TriggersCommand';

/** Every slash command of the app. Features add theirs here. */
export function slashCommands(app: IApp): ISlashCommand[] {
	return [new IntegrationCommand(app), new MobileCommand(app), new PointsCommand(), new TriggersCommand(app)];
}
