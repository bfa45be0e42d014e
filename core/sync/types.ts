/**
 * Types of the pure sync planner: what the system of record wants (`DesiredState`), what Rocket.Chat
 * and the app's own records hold (`ActualState`), the settings that steer a run (`PlanSettings`),
 * and the result (`Plan`: an ordered list of `SyncOp`s plus `Conflict`s).
 *
 * Vocabulary used throughout:
 * - A **managed person** is one in the people map (`ActualState.people`): the app created or linked
 *   their account. Every other account is unmanaged and is never named by an operation. A linked
 *   account (`ActualPerson.linked`, not created by the app) takes part in rooms, roles and its profile's
 *   name, nickname and photo, but its password, e-mail address and active state are never changed.
 * - A **managed room** is one in `ActualState.rooms` (the app's group -> room records). Every other
 *   room is unmanaged and is never named by an operation (its name is only avoided when naming).
 * - A **managed role** is a role name present in `DesiredState.roles`. Only managed people gain or
 *   lose it; roles not named in the desired state are left alone (send `[]` to revoke a role).
 * - A person is **eligible** when they are in `DesiredState.people`, not `active: false`, and not
 *   excluded (listed in `excluded` or a member of the exclusion group).
 * - A group is **synced** when it is in `DesiredState.groups`, not `active: false`, and is not the
 *   exclusion group. Its **effective members** are its eligible members who have or get an account.
 *   A synced group with at least one effective member has a room; any other managed room is deleted
 *   (setting `deleteInactiveGroups`) or released (no longer managed, left as it is).
 */

// ---------------------------------------------------------------------------------------------
// Desired state: the body of `POST snapshot` (external API), after validation.
// ---------------------------------------------------------------------------------------------

/** A person as the system of record sends it (contract `Person`). */
export interface DesiredPerson {
	/** 1-128 characters, the system of record's id. */
	readonly externalId: string;
	readonly firstName: string;
	readonly lastName: string;
	readonly email: string;
	/** The system of record verified the e-mail address (default false); Rocket.Chat's `verified` flag follows it. */
	readonly emailVerified?: boolean;
	readonly nickName?: string;
	/** URL of the profile photo; absent or empty means "no photo". */
	readonly photoUrl?: string;
	/** Default true. An inactive person keeps no rooms or roles and their account is deactivated. */
	readonly active?: boolean;
}

export type GroupMemberRole = 'member' | 'leader';

export interface DesiredMember {
	readonly externalId: string;
	/** Default `member`. A leader becomes leader and moderator of the room. */
	readonly role?: GroupMemberRole;
}

/** A group (contract `Group`); each synced group becomes a private room. */
export interface DesiredGroup {
	readonly name: string;
	/** The room topic. Absent: the planner leaves the room's topic alone. */
	readonly topic?: string;
	/** Default true. An inactive group is treated like a group that is gone. */
	readonly active?: boolean;
	readonly members: ReadonlyArray<DesiredMember>;
}

/**
 * The whole desired state, in the shape of the `POST snapshot` body so the shell can pass a validated
 * snapshot (or the same shape reassembled from its per-group and per-person records) unchanged.
 * Order inside arrays and objects does not matter: the plan is the same for any order.
 */
export interface DesiredState {
	/** Every person; a later duplicate `externalId` wins. */
	readonly people: ReadonlyArray<DesiredPerson>;
	/** Group key -> group. */
	readonly groups: Readonly<Record<string, DesiredGroup>>;
	/** Role name -> externalIds that must hold exactly that Rocket.Chat role. */
	readonly roles?: Readonly<Record<string, ReadonlyArray<string>>>;
	/** externalIds whose accounts are deactivated and who keep no rooms or roles. */
	readonly excluded?: ReadonlyArray<string>;
}

// ---------------------------------------------------------------------------------------------
// Actual state: read from Rocket.Chat and the app's own records by the shell.
// ---------------------------------------------------------------------------------------------

/** One entry of the people map: a managed account as it is now. */
export interface ActualPerson {
	readonly userId: string;
	readonly username: string;
	/** The account's current e-mail address. */
	readonly email: string;
	/**
	 * Set when the app gave the account an alias (`local+rc1@domain`) because this desired address was
	 * taken by another account, and the account still has that alias. The planner then treats the
	 * e-mail as in sync while the desired address stays the same. The shell must leave it undefined when
	 * the account's e-mail is no longer the alias the app assigned.
	 */
	readonly aliasOf?: string;
	/**
	 * The `verified` flag the app last gave the account's e-mail address (undefined: unknown, left alone
	 * until the address itself changes). Synced to the person's `emailVerified` with setting `email`.
	 */
	readonly emailVerified?: boolean;
	/**
	 * True when the account existed before and was linked to the person (the app did not create it): the
	 * planner never changes its password, e-mail address (or its verified flag) or active state.
	 */
	readonly linked?: boolean;
	readonly active: boolean;
	/** The account's display name (`name` in Rocket.Chat). */
	readonly name: string;
	/** The account's `nickname`; undefined and '' both mean none. */
	readonly nickname?: string;
	/**
	 * The photo URL the app last applied to this account (null: the app never set one, or reset it).
	 * A photo is written again only when the desired URL differs from this one.
	 */
	readonly photoUrl: string | null;
	/**
	 * True when the credential the app stores for this account is known not to work (never set, or a
	 * login with it failed). With `resyncPasswords` on, such accounts get a `resetPassword` operation.
	 */
	readonly passwordStale?: boolean;
}

/** A managed room as it is now. User ids may include unmanaged users (the app user, an admin): they are never touched. */
export interface ActualRoom {
	readonly roomId: string;
	/** The room's name (unique slug); chosen at creation and never changed by the planner. */
	readonly name: string;
	/** The room's topic; undefined and '' both mean none. */
	readonly topic?: string;
	/** User ids of every member. */
	readonly members: ReadonlyArray<string>;
	/** User ids that have the room role `leader`. */
	readonly leaders: ReadonlyArray<string>;
	/** User ids that have the room role `moderator`. */
	readonly moderators: ReadonlyArray<string>;
}

export interface ActualState {
	/** The people map: externalId -> managed account. */
	readonly people: ReadonlyMap<string, ActualPerson>;
	/** Managed rooms: group key -> room. */
	readonly rooms: ReadonlyMap<string, ActualRoom>;
	/**
	 * Role name -> user ids holding it, for (at least) every role name in the desired state that exists
	 * on the server. Holders that are not managed people are never touched.
	 */
	readonly roleHolders: ReadonlyMap<string, ReadonlyArray<string>>;
	/** Names of the global (`Users`-scoped) roles that exist on the server. Room-scoped roles are left out. */
	readonly serverRoles: ReadonlySet<string>;
	/**
	 * E-mail address -> user id of the account holding it, for every account on the server (at least for
	 * every desired e-mail and every address the allocator may hand out). Keys must be normalised with
	 * `normalizeEmail` (trimmed, lower case). Used to detect an e-mail taken by another account. An address
	 * that an account gives up in a plan is only free for others in the next plan (no swaps in one run).
	 */
	readonly emailOwners: ReadonlyMap<string, string>;
	/** Names of every room on the server (any case), managed or not; a new room never reuses one. */
	readonly roomNames: ReadonlySet<string>;
}

// ---------------------------------------------------------------------------------------------
// Settings and the injected account allocator.
// ---------------------------------------------------------------------------------------------

/**
 * The sync settings. Field names match `AppConfig['sync']` (core/config.ts), so `config.sync` can be
 * spread in directly: `plan(desired, actual, { ...config.sync, allocateAccount })`.
 */
export interface SyncSettings {
	/** Sync e-mail addresses of existing accounts. */
	readonly email: boolean;
	/** Sync profile photos (only when the URL changed since the app last set it). */
	readonly photos: boolean;
	/** Deactivate managed accounts whose person is in no synced group (roles do not count). */
	readonly disableWithoutGroups: boolean;
	/** Delete the room of a group that is gone, inactive or without active members; otherwise release it. */
	readonly deleteInactiveGroups: boolean;
	/** Key of the group whose members are excluded; that group never becomes a room. Null: none. */
	readonly exclusionGroup: string | null;
	/** Reset the password of accounts whose stored credential is stale (`ActualPerson.passwordStale`). */
	readonly resyncPasswords: boolean;
	/** Largest share (0..1) of memberships, role assignments, rooms or accounts one run may remove or grant; see `checkSafety`. */
	readonly safetyLimit: number;
}

/** Username and e-mail for a new account. */
export interface AccountAllocation {
	readonly username: string;
	readonly email: string;
}

/**
 * Chooses the username and e-mail of a new account, with the same rules as single sign-on
 * (`first.last`, `first.last2`, ...; `local+rc1@domain`, ... when the e-mail is taken). Implemented by
 * the accounts module and injected here, so the planner stays independent of those rules.
 *
 * Contract with the planner:
 * - It is called at most once per person and plan, only for people who need a new account, in
 *   ascending `externalId` order (plain string order), so a deterministic allocator gives a
 *   deterministic plan. Create a fresh allocator (seeded with the existing usernames and e-mails)
 *   for every plan.
 * - Its answers must be unique against every existing account and against its own earlier answers
 *   (it reserves what it returns). The planner double-checks the e-mail against
 *   `ActualState.emailOwners` and both names against the rest of the plan, and turns a collision into
 *   an `allocation-failed` conflict.
 * - It must not throw: return `{ error }` to refuse (the person then gets a conflict and no account).
 */
export type AccountAllocator = (person: DesiredPerson) => AccountAllocation | { readonly error: string };

export interface PlanSettings extends SyncSettings {
	readonly allocateAccount: AccountAllocator;
}

// ---------------------------------------------------------------------------------------------
// Operations.
// ---------------------------------------------------------------------------------------------

/**
 * Every operation kind, in the order operations appear in a plan (the "phase"). Applying a plan from
 * first to last respects every dependency: accounts and rooms are created before members, roles or
 * photos refer to them; deactivations come first so an excluded person loses access as early as
 * possible in a run that is cut into chunks.
 */
export const OP_KINDS = [
	'deactivateUser',
	'reactivateUser',
	'createUser',
	'updateProfile',
	'setPhoto',
	'resetPassword',
	'createRoom',
	'setTopic',
	'addMember',
	'setLeader',
	'setModerator',
	'unsetLeader',
	'unsetModerator',
	'removeMember',
	'addRole',
	'removeRole',
	'deleteRoom',
	'releaseRoom',
] as const;

export type OpKind = (typeof OP_KINDS)[number];

/**
 * Fields naming a person. `userId` is null only when the account is created by a `createUser`
 * operation earlier in the same plan: the applier resolves it from the people map record written by
 * that operation (and skips the operation, to retry next run, if that creation failed).
 */
export interface PersonRef {
	readonly externalId: string;
	readonly userId: string | null;
	readonly username: string;
}

export type DeactivateReason = 'excluded' | 'inactive' | 'no-groups';

/** Deactivate a managed account. */
export interface DeactivateUserOp extends PersonRef {
	readonly kind: 'deactivateUser';
	readonly userId: string;
	readonly reason: DeactivateReason;
}

/** Reactivate a managed account whose person is active again. */
export interface ReactivateUserOp extends PersonRef {
	readonly kind: 'reactivateUser';
	readonly userId: string;
}

/**
 * Create an account (active, with a random password the applier chooses and stores) and its people
 * map record. `email` is what the allocator returned; `requestedEmail` is the desired e-mail. When they
 * differ the applier stores `aliasOf: requestedEmail`.
 */
export interface CreateUserOp {
	readonly kind: 'createUser';
	readonly externalId: string;
	readonly username: string;
	readonly email: string;
	readonly requestedEmail: string;
	readonly name: string;
	readonly nickname: string | null;
}

/** Update profile fields of an existing account (`users.update`). Only changed fields are present. */
export interface UpdateProfileOp extends PersonRef {
	readonly kind: 'updateProfile';
	readonly userId: string;
	readonly name?: string;
	/** '' clears the nickname. */
	readonly nickname?: string;
	readonly email?: string;
	/** The `verified` flag of the e-mail address; present with `email`, or alone when only the flag changes. */
	readonly emailVerified?: boolean;
}

/** Set the avatar from a URL, or reset it to the default when `photoUrl` is null. */
export interface SetPhotoOp extends PersonRef {
	readonly kind: 'setPhoto';
	readonly photoUrl: string | null;
}

/** Give the account a new password the applier chooses and stores (clears `passwordStale`). */
export interface ResetPasswordOp extends PersonRef {
	readonly kind: 'resetPassword';
	readonly userId: string;
}

/** Create a private room (no members yet: they follow as `addMember` operations) and its room record. */
export interface CreateRoomOp {
	readonly kind: 'createRoom';
	readonly groupKey: string;
	/** Unique, valid name; see core/sync/names.ts. */
	readonly name: string;
	readonly topic: string | null;
}

/** Change the topic of a managed room. */
export interface SetTopicOp {
	readonly kind: 'setTopic';
	readonly groupKey: string;
	readonly roomId: string;
	readonly topic: string;
}

export type MemberOpKind = 'addMember' | 'setLeader' | 'setModerator' | 'unsetLeader' | 'unsetModerator' | 'removeMember';

/**
 * A membership change in a managed room. `roomId` is null only when the room is created by a
 * `createRoom` operation earlier in the same plan. Removing a member also drops their room roles, so
 * a removed leader gets no separate unset operations. Operations of one kind on one room are
 * contiguous, so an applier may batch them into one call.
 */
export interface MemberOp extends PersonRef {
	readonly kind: MemberOpKind;
	readonly groupKey: string;
	readonly roomId: string | null;
}

/** Grant or revoke a global role. */
export interface RoleOp extends PersonRef {
	readonly kind: 'addRole' | 'removeRole';
	readonly roleName: string;
}

export type RoomLossReason = 'group-gone' | 'group-inactive' | 'no-active-members';

/** Delete a managed room (setting `deleteInactiveGroups` on) and its room record. */
export interface DeleteRoomOp {
	readonly kind: 'deleteRoom';
	readonly groupKey: string;
	readonly roomId: string;
	readonly name: string;
	readonly reason: RoomLossReason;
}

/** Stop managing a room (setting off): drop the room record only, no Rocket.Chat write. */
export interface ReleaseRoomOp {
	readonly kind: 'releaseRoom';
	readonly groupKey: string;
	readonly roomId: string;
	readonly name: string;
	readonly reason: RoomLossReason;
}

export type SyncOp =
	| DeactivateUserOp
	| ReactivateUserOp
	| CreateUserOp
	| UpdateProfileOp
	| SetPhotoOp
	| ResetPasswordOp
	| CreateRoomOp
	| SetTopicOp
	| MemberOp
	| RoleOp
	| DeleteRoomOp
	| ReleaseRoomOp;

// ---------------------------------------------------------------------------------------------
// Conflicts and the plan.
// ---------------------------------------------------------------------------------------------

/**
 * Why part of the desired state cannot be applied. Never fatal: the rest of the plan goes on.
 * - `unknown-person`: a group or role names an externalId that is not in `people`.
 * - `email-taken`: the desired e-mail of an existing account belongs to another account (or to a new
 *   account of this plan); the e-mail is left as it is.
 * - `role-missing`: the role does not exist on the server (it is never created).
 * - `allocation-failed`: no username/e-mail could be allocated for a new account; the person gets no
 *   account (and so no rooms or roles) this run.
 */
export type ConflictReason = 'unknown-person' | 'email-taken' | 'role-missing' | 'allocation-failed';

export interface Conflict {
	readonly externalId: string;
	readonly reason: ConflictReason;
	/** Plain-language explanation (names the group, role or address concerned). */
	readonly detail: string;
}

/** Figures about the inputs, computed while planning; `checkSafety` uses them to spot a truncated feed. */
export interface PlanFigures {
	readonly desiredPeople: number;
	readonly desiredGroups: number;
	/** Groups that are synced (active, not the exclusion group). */
	readonly syncedGroups: number;
	/** Member entries listed by synced groups (before de-duplication). */
	readonly desiredMemberships: number;
	/** Of those, entries naming an externalId missing from `people`. */
	readonly unknownMemberships: number;
	readonly managedPeople: number;
	readonly managedRooms: number;
}

/**
 * The result of `plan`: operations in a deterministic order (by phase, see `OP_KINDS`, then by group
 * key or role name, then by externalId), conflicts sorted by externalId, and input figures.
 * An empty `ops` list means Rocket.Chat already matches the desired state.
 */
export interface Plan {
	readonly ops: ReadonlyArray<SyncOp>;
	readonly conflicts: ReadonlyArray<Conflict>;
	readonly figures: PlanFigures;
}

/** The contract's `Summary` (external API, "Sync"), field for field. */
export interface Summary {
	createRooms: number;
	deleteRooms: number;
	addMembers: number;
	removeMembers: number;
	setLeaders: number;
	unsetLeaders: number;
	setModerators: number;
	unsetModerators: number;
	addRoles: number;
	removeRoles: number;
	createUsers: number;
	updateProfiles: number;
	deactivateUsers: number;
	reactivateUsers: number;
	conflicts: Array<{ externalId: string; reason: string }>;
}
