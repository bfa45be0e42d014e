/**
 * The pending plan by name: each change of a sync plan as one small item naming the person, room or
 * role it concerns, ordered so the changes an admin worries about (deactivations, removals, deleted
 * rooms, revoked roles) come first, and cut into pages. Pure: names are looked up through the maps
 * the caller passes.
 */
import { OpKind, SyncOp } from '../sync/types';

/** One change of the plan, by name. `who` is the person's name (or the room's, for room changes). */
export interface PlanItem {
	readonly kind: OpKind;
	readonly who: string;
	readonly externalId?: string;
	readonly username?: string;
	/** The room or role concerned (member and role changes). */
	readonly target?: string;
	/** Why (deactivations, room losses). */
	readonly reason?: string;
}

/** A page of a list, as the external API pages lists. */
export interface Page<T> {
	readonly offset: number;
	readonly count: number;
	readonly total: number;
	readonly items: ReadonlyArray<T>;
}

/** Display order: what takes something away first, then what gives, then profile changes. */
export const ITEM_ORDER: ReadonlyArray<OpKind> = [
	'deactivateUser',
	'removeMember',
	'deleteRoom',
	'releaseRoom',
	'removeRole',
	'unsetLeader',
	'unsetModerator',
	'createUser',
	'reactivateUser',
	'createRoom',
	'addMember',
	'setLeader',
	'setModerator',
	'addRole',
	'updateProfile',
	'setPhoto',
	'resetPassword',
	'setTopic',
];

/** Kinds that take access away: the halt message and the report list these by name. */
export const DESTRUCTIVE_KINDS: ReadonlySet<OpKind> = new Set<OpKind>([
	'deactivateUser',
	'removeMember',
	'deleteRoom',
	'releaseRoom',
	'removeRole',
]);

export interface NameLookup {
	/** "First Last" of a person by externalId, if known. */
	person(externalId: string): string | undefined;
	/** The room name of a group, if known. */
	room(groupKey: string): string | undefined;
}

const rank = new Map<OpKind, number>(ITEM_ORDER.map((k, i) => [k, i]));

function personName(names: NameLookup, externalId: string, username: string | undefined): string {
	const name = names.person(externalId)?.trim();
	return name || username || externalId;
}

/** The item of one operation. */
export function itemOf(op: SyncOp, names: NameLookup): PlanItem {
	switch (op.kind) {
		case 'createRoom':
			return { kind: op.kind, who: op.name, target: op.groupKey };
		case 'setTopic':
			return { kind: op.kind, who: names.room(op.groupKey) ?? op.groupKey, target: op.groupKey };
		case 'deleteRoom':
		case 'releaseRoom':
			return { kind: op.kind, who: op.name, target: op.groupKey, reason: op.reason };
		case 'createUser':
			return { kind: op.kind, who: personName(names, op.externalId, op.username), externalId: op.externalId, username: op.username };
		case 'addMember':
		case 'removeMember':
		case 'setLeader':
		case 'unsetLeader':
		case 'setModerator':
		case 'unsetModerator':
			return {
				kind: op.kind,
				who: personName(names, op.externalId, op.username),
				externalId: op.externalId,
				username: op.username,
				target: names.room(op.groupKey) ?? op.groupKey,
			};
		case 'addRole':
		case 'removeRole':
			return {
				kind: op.kind,
				who: personName(names, op.externalId, op.username),
				externalId: op.externalId,
				username: op.username,
				target: op.roleName,
			};
		case 'deactivateUser':
			return {
				kind: op.kind,
				who: personName(names, op.externalId, op.username),
				externalId: op.externalId,
				username: op.username,
				reason: op.reason,
			};
		default:
			return { kind: op.kind, who: personName(names, op.externalId, op.username), externalId: op.externalId, username: op.username };
	}
}

export interface PlanPreview {
	/** At most `max` items, in display order. */
	readonly items: ReadonlyArray<PlanItem>;
	/** Every change of the plan (items beyond `max` are counted, not listed). */
	readonly total: number;
	readonly byKind: Readonly<Partial<Record<OpKind, number>>>;
}

/**
 * The plan's changes by name, in display order (stable within a kind: the plan's own order), at most
 * `max` of them. Linear in the number of operations.
 */
export function previewPlan(ops: ReadonlyArray<SyncOp>, names: NameLookup, max = Number.POSITIVE_INFINITY): PlanPreview {
	const buckets: SyncOp[][] = ITEM_ORDER.map(() => []);
	const byKind: Partial<Record<OpKind, number>> = {};
	// Rooms the plan creates are named by their createRoom operation.
	const created = new Map<string, string>();
	for (const op of ops) {
		buckets[rank.get(op.kind) ?? ITEM_ORDER.length - 1].push(op);
		byKind[op.kind] = (byKind[op.kind] ?? 0) + 1;
		if (op.kind === 'createRoom') created.set(op.groupKey, op.name);
	}
	const lookup: NameLookup =
		created.size === 0 ? names : { person: (id) => names.person(id), room: (key) => names.room(key) ?? created.get(key) };
	const items: PlanItem[] = [];
	for (const bucket of buckets) {
		for (const op of bucket) {
			if (items.length >= max) break;
			items.push(itemOf(op, lookup));
		}
	}
	return { items, total: ops.length, byKind };
}

/** Offset and count made safe: whole numbers, offset inside the list, count between 1 and `maxCount`. */
export function clampPage(
	offset: unknown,
	count: unknown,
	total: number,
	maxCount: number,
	defaultCount = maxCount,
): { offset: number; count: number } {
	const c = Number.isFinite(Number(count)) && Number(count) >= 1 ? Math.min(maxCount, Math.floor(Number(count))) : defaultCount;
	let o = Number.isFinite(Number(offset)) && Number(offset) > 0 ? Math.floor(Number(offset)) : 0;
	if (o >= total) o = total === 0 ? 0 : Math.floor((total - 1) / c) * c;
	return { offset: o, count: c };
}

/** One page of a list. */
export function pageOf<T>(items: ReadonlyArray<T>, offset: number, count: number, total = items.length): Page<T> {
	return { offset, count, total, items: items.slice(offset, offset + count) };
}

/** Items of the given kinds only (a filter by kind); all items when `kinds` is empty. */
export function filterItems(items: ReadonlyArray<PlanItem>, kinds: ReadonlyArray<OpKind>): ReadonlyArray<PlanItem> {
	if (kinds.length === 0) return items;
	const wanted = new Set(kinds);
	return items.filter((i) => wanted.has(i.kind));
}

/** "Ann Lee (@ann.lee)" or "Ann Lee (@ann.lee) · Youth group". */
export function itemLabel(item: PlanItem): string {
	const who = item.username && item.username !== item.who ? `${item.who} (@${item.username})` : item.who;
	return item.target && item.target !== item.who ? `${who} · ${item.target}` : who;
}

/**
 * The destructive changes by name, for the halt message of the log: per kind, up to `perKind` names
 * and how many more ("deactivateUser: Ann Lee (@ann.lee), Bob Roe (@bob.roe) and 3 more").
 */
export function destructiveSummary(preview: PlanPreview, perKind = 10): string[] {
	const out: string[] = [];
	for (const kind of ITEM_ORDER) {
		if (!DESTRUCTIVE_KINDS.has(kind)) continue;
		const n = preview.byKind[kind] ?? 0;
		if (n === 0) continue;
		const listed = preview.items.filter((i) => i.kind === kind).slice(0, perKind);
		const more = n - listed.length;
		out.push(`${kind}: ${listed.map(itemLabel).join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
	}
	return out;
}
