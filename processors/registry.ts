import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { IProcessor } from '@rocket.chat/apps-engine/definition/scheduler';

/** Every scheduled processor of the app. Features add theirs here. */
export function processors(app: IApp): IProcessor[] {
	void app;
	return [];
}
