import { IMessage } from '@rocket.chat/apps-engine/definition/messages';

import { managedRooms } from './lookups';
import { OutboxRepository } from '../../adapters/persistence/OutboxRepository';
import { isRecordableRoomType, MessageFacts, toOutboxEvent } from '../../core/history/outbox';
import { HistoryEventKind } from '../../core/history/types';
import { MessageEventContext, MessageReactor } from '../messageReactor';

/**
 * Chat history, recording side: when history is on, each new message, edit and deletion of a
 * counted room (managed rooms, or every public and private room by setting; never direct messages)
 * becomes one outbox record: at most one read (is the room managed?) and one write per message,
 * so history costs the listener little. The person's externalId is added when the batch is sent
 * (features/history/delivery.ts): one lookup per person and run instead of one per
 * message, and a person linked after they posted still gets theirs.
 */
export const historyRecorder: MessageReactor = {
	name: 'history',
	onSent: (ctx) => record(ctx, 'created'),
	onUpdated: (ctx) => record(ctx, 'edited'),
	onDeleted: (ctx) => record(ctx, 'deleted'),
};

async function record(ctx: MessageEventContext, kind: HistoryEventKind): Promise<void> {
	const { enabled, allRooms } = ctx.config.history;
	const m = ctx.message;
	const room = m.room;
	if (!enabled || !room || !isRecordableRoomType(room.type) || m.type) return;
	if (kind === 'edited' && !m.editedAt) return;
	if (!allRooms && !(await managedRooms(ctx.read.getPersistenceReader()).isManaged(room.id))) return;
	const event = toOutboxEvent(facts(m, kind), Date.now());
	if (event) await new OutboxRepository().add(ctx.persis, event);
}

function facts(m: IMessage, kind: HistoryEventKind): MessageFacts {
	return {
		kind,
		messageId: m.id ?? '',
		roomId: m.room.id,
		roomName: m.room.displayName || m.room.slugifiedName || '',
		roomType: m.room.type,
		userId: m.sender?.id ?? '',
		username: m.sender?.username ?? '',
		text: m.text ?? '',
		createdAt: toMs(m.createdAt) ?? Date.now(),
		editedAt: toMs(m.editedAt),
		systemType: m.type,
	};
}

/** Dates arrive as Date objects or ISO strings, depending on the runtime's serialisation. */
function toMs(v: Date | string | number | undefined): number | undefined {
	if (v === undefined || v === null) return undefined;
	const ms = v instanceof Date ? v.getTime() : new Date(v).getTime();
	return Number.isFinite(ms) ? ms : undefined;
}
