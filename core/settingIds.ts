// The app's setting ids and section ids: plain values, with no Apps-Engine code, so that the pure core
// (core/config.ts) can name settings. The settings themselves are declared in settings/settings.ts.

/** Every setting id of the app. The i18n label is the id; the description is `<id>_description`. */
export enum Setting {
	SiteUrl = 'rc_site_url',
	RestUrl = 'rc_rest_url',
	AdminUserId = 'rc_admin_user_id',
	AdminToken = 'rc_admin_token',
	CreateTokensSecret = 'rc_create_tokens_secret',

	ApiKeys = 'api_keys',
	OutboundKey = 'api_outbound_key',
	MaxBodyKb = 'api_max_body_kb',
	CredentialSecret = 'api_credential_secret',

	AllowSelfRegistration = 'accounts_self_registration',
	InactiveCooldownHours = 'accounts_inactive_cooldown_hours',
	LoginErrorCooldownMinutes = 'accounts_login_error_cooldown_minutes',
	MobileAccess = 'accounts_mobile_access',
	LinkExistingAccounts = 'accounts_link_existing',
	PrivilegedRoles = 'accounts_privileged_roles',

	SyncFeedUrl = 'sync_feed_url',
	SyncIntervalMinutes = 'sync_interval_minutes',
	SyncResyncPasswords = 'sync_resync_passwords',
	SyncPhotos = 'sync_photos',
	SyncEmail = 'sync_email',
	SyncDisableWithoutGroups = 'sync_disable_without_groups',
	SyncDeleteInactiveGroups = 'sync_delete_inactive_groups',
	SyncExclusionGroup = 'sync_exclusion_group',
	SyncDryRunOnly = 'sync_dry_run_only',
	SyncSafetyLimitPercent = 'sync_safety_limit_percent',
	SyncAssignableRoles = 'sync_assignable_roles',

	BotTriggersEnabled = 'bot_triggers_enabled',
	BotPointsEnabled = 'bot_points_enabled',
	BotPointsCooldownSeconds = 'bot_points_cooldown_seconds',
	BotPointsMaxPerMessage = 'bot_points_max_per_message',
	BotDisplayName = 'bot_display_name',

	HistoryEnabled = 'history_enabled',
	HistoryUrl = 'history_url',
	HistoryBatchSize = 'history_batch_size',
	HistoryAllRooms = 'history_all_rooms',
	HistoryMaxAttempts = 'history_max_attempts',

	LogRetentionDays = 'log_retention_days',
}

/** Section ids; each is also an i18n key. */
export enum SettingSection {
	RocketChat = 'section_rocketchat',
	ExternalApi = 'section_external_api',
	Accounts = 'section_accounts',
	Sync = 'section_sync',
	Chatbot = 'section_chatbot',
	History = 'section_history',
	Log = 'section_log',
}
