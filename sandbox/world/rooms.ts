import { NAME_PATTERN, randomId, WorldError } from './base';
import type { RoomType, WMessage, WRoom } from './types';
import { UsersWorld } from './users';

export interface CreateRoomInput {
	/** A fixed id (#general's is `GENERAL`); a random one otherwise. */
	_id?: string;
	name: string;
	type: RoomType;
	creatorId: string;
	memberUsernames?: string[];
	readOnly?: boolean;
	topic?: string;
	description?: string;
	customFields?: Record<string, unknown>;
	fname?: string;
	/** Default rooms are joined by new accounts (users.create's joinDefaultChannels). */
	isDefault?: boolean;
}

/**
 * Rooms and their subscriptions (members, room roles, unread counts), with the system messages
 * Rocket.Chat leaves when they change.
 */
export abstract class RoomsWorld extends UsersWorld {
	/** Saves a system message in a room (the messages part of the world). */
	abstract systemMessage(rid: string, t: string, text: string, actorId: string, extra?: Partial<WMessage>): WMessage;

	createRoom(input: CreateRoomInput): WRoom {
		const name = String(input.name ?? '').trim();
		if (!name || !NAME_PATTERN.test(name)) throw new WorldError('error-invalid-room-name', `${name} is not a valid room name`);
		if (input.type !== 'd' && this.findRoomByName(name)) {
			throw new WorldError('error-duplicate-channel-name', `A channel with name '${name}' exists`);
		}
		const creator = this.requireUser(input.creatorId);
		const now = new Date();
		const room: WRoom = {
			_id: input._id ?? randomId(),
			name,
			fname: input.fname ?? name,
			t: input.type,
			u: { _id: creator._id, username: creator.username },
			ts: now,
			_updatedAt: now,
			ro: input.readOnly ?? false,
			default: input.isDefault ?? false,
			msgs: 0,
			members: [creator._id],
			roomRoles: { [creator._id]: ['owner'] },
			unread: {},
		};
		if (input.topic) room.topic = input.topic;
		if (input.description) room.description = input.description;
		if (input.customFields) room.customFields = { ...input.customFields };
		for (const username of input.memberUsernames ?? []) {
			const u = this.findUserByUsername(username);
			if (!u) throw new WorldError('error-invalid-user', `Invalid user ${username}`);
			if (!room.members.includes(u._id)) room.members.push(u._id);
		}
		this.rooms.set(room._id, room);
		this.roomMessages.set(room._id, []);
		return room;
	}

	findRoomById(id: string): WRoom | undefined {
		return this.rooms.get(id);
	}

	findRoomByName(name: string): WRoom | undefined {
		for (const r of this.rooms.values()) if (r.name === name) return r;
		return undefined;
	}

	requireRoom(roomId: string): WRoom {
		const r = this.rooms.get(roomId);
		if (!r) throw new WorldError('error-room-not-found', 'The required "roomId" or "roomName" param provided does not match any group');
		return r;
	}

	updateRoom(roomId: string, data: Partial<Pick<WRoom, 'name' | 'fname' | 'topic' | 'description' | 'ro' | 'customFields'>>): WRoom {
		const room = this.requireRoom(roomId);
		if (data.name !== undefined && data.name !== room.name) {
			if (!NAME_PATTERN.test(data.name)) throw new WorldError('error-invalid-room-name', `${data.name} is not a valid room name`);
			if (this.findRoomByName(data.name))
				throw new WorldError('error-duplicate-channel-name', `A channel with name '${data.name}' exists`);
			room.name = data.name;
		}
		if (data.fname !== undefined) room.fname = data.fname;
		if (data.topic !== undefined) room.topic = data.topic;
		if (data.description !== undefined) room.description = data.description;
		if (data.ro !== undefined) room.ro = data.ro;
		if (data.customFields !== undefined) room.customFields = { ...data.customFields };
		room._updatedAt = new Date();
		return room;
	}

	/** Archives or unarchives a room, with Rocket.Chat's `room-archived` / `room-unarchived` message. */
	setArchived(roomId: string, archived: boolean, byId: string): void {
		const room = this.requireRoom(roomId);
		if (Boolean(room.archived) === archived) return;
		if (archived) room.archived = true;
		else delete room.archived;
		room._updatedAt = new Date();
		this.systemMessage(roomId, archived ? 'room-archived' : 'room-unarchived', '', byId);
	}

	deleteRoom(roomId: string): void {
		this.requireRoom(roomId);
		this.rooms.delete(roomId);
		for (const mid of this.roomMessages.get(roomId) ?? []) this.messages.delete(mid);
		this.roomMessages.delete(roomId);
	}

	/**
	 * Adds a member; adding someone already in the room changes nothing (as Rocket.Chat). Like
	 * Rocket.Chat's addUserToRoom it leaves a system message: "added by" (`au`) when someone else
	 * added them, "joined" (`uj`) otherwise; `silent` skips it (room creation).
	 */
	addMember(roomId: string, userId: string, options: { by?: string; silent?: boolean } = {}): boolean {
		const room = this.requireRoom(roomId);
		const user = this.requireUser(userId);
		if (room.members.includes(userId)) return false;
		room.members.push(userId);
		room.unread[userId] = 0;
		room._updatedAt = new Date();
		if (!options.silent) {
			if (options.by && options.by !== userId) this.systemMessage(roomId, 'au', user.username, options.by);
			else this.systemMessage(roomId, 'uj', user.username, userId);
		}
		return true;
	}

	/** Removes a member with Rocket.Chat's system message: "removed by" (`ru`) or "left" (`ul`). */
	removeMember(roomId: string, userId: string, options: { by?: string; silent?: boolean } = {}): boolean {
		const room = this.requireRoom(roomId);
		if (!room.members.includes(userId)) return false;
		room.members = room.members.filter((m) => m !== userId);
		delete room.roomRoles[userId];
		delete room.unread[userId];
		room._updatedAt = new Date();
		const user = this.users.get(userId);
		if (!options.silent && user) {
			if (options.by && options.by !== userId) this.systemMessage(roomId, 'ru', user.username, options.by);
			else this.systemMessage(roomId, 'ul', user.username, userId);
		}
		return true;
	}

	/** Gives a member a room role; `by` (who did it) leaves Rocket.Chat's `subscription-role-added` message. */
	addRoomRole(roomId: string, userId: string, role: string, by?: string): void {
		const room = this.requireRoom(roomId);
		if (!room.members.includes(userId)) throw new WorldError('error-user-not-in-room', 'User is not in this room');
		const roles = room.roomRoles[userId] ?? [];
		if (roles.includes(role)) {
			const label = role === 'moderator' ? 'a moderator' : role === 'leader' ? 'a leader' : 'an owner';
			throw new WorldError(`error-user-already-${role}`, `User is already ${label}`);
		}
		room.roomRoles[userId] = [...roles, role];
		if (by) this.systemMessage(roomId, 'subscription-role-added', this.requireUser(userId).username, by, { role });
	}

	removeRoomRole(roomId: string, userId: string, role: string, by?: string): void {
		const room = this.requireRoom(roomId);
		const roles = room.roomRoles[userId] ?? [];
		if (!roles.includes(role)) {
			const label = role === 'moderator' ? 'a moderator' : role === 'leader' ? 'a leader' : 'an owner';
			throw new WorldError(`error-user-not-${role}`, `User is not ${label}`);
		}
		room.roomRoles[userId] = roles.filter((r) => r !== role);
		if (room.roomRoles[userId].length === 0) delete room.roomRoles[userId];
		if (by) this.systemMessage(roomId, 'subscription-role-removed', this.requireUser(userId).username, by, { role });
	}

	roomsOfUser(userId: string): WRoom[] {
		return [...this.rooms.values()].filter((r) => r.members.includes(userId));
	}
}
