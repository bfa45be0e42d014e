import { historyRecorder } from '../features/history/recorder';
import { pointsReactor } from '../features/chatbot/pointsReactor';
import { triggerReactor } from '../features/chatbot/triggerReactor';
import { MessageReactor } from '../features/messageReactor';

/** Every message reactor of the app, in the order they run. Features add theirs here. */
export function messageReactors(): MessageReactor[] {
	return [pointsReactor, triggerReactor, historyRecorder];
}
