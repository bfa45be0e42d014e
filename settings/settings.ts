import { ISetting } from '@rocket.chat/apps-engine/definition/settings/ISetting';
import { SettingType } from '@rocket.chat/apps-engine/definition/settings/SettingType';

import { Setting, SettingSection } from '../core/settingIds';

export { Setting, SettingSection };

type Declared = Omit<ISetting, 'i18nLabel' | 'i18nDescription' | 'required' | 'public'> & {
	id: Setting;
	required?: boolean;
};

const declared: ReadonlyArray<Declared> = [
	{ id: Setting.SiteUrl, section: SettingSection.RocketChat, type: SettingType.STRING, packageValue: '' },
	{ id: Setting.RestUrl, section: SettingSection.RocketChat, type: SettingType.STRING, packageValue: '' },
	{ id: Setting.AdminUserId, section: SettingSection.RocketChat, type: SettingType.STRING, packageValue: '' },
	{ id: Setting.AdminToken, section: SettingSection.RocketChat, type: SettingType.PASSWORD, packageValue: '' },
	{ id: Setting.CreateTokensSecret, section: SettingSection.RocketChat, type: SettingType.PASSWORD, packageValue: '' },

	{ id: Setting.ApiKeys, section: SettingSection.ExternalApi, type: SettingType.PASSWORD, packageValue: '', multiline: true },
	{ id: Setting.OutboundKey, section: SettingSection.ExternalApi, type: SettingType.PASSWORD, packageValue: '' },
	{ id: Setting.MaxBodyKb, section: SettingSection.ExternalApi, type: SettingType.NUMBER, packageValue: 1024 },
	{ id: Setting.CredentialSecret, section: SettingSection.ExternalApi, type: SettingType.PASSWORD, packageValue: '', multiline: true },

	{ id: Setting.AllowSelfRegistration, section: SettingSection.Accounts, type: SettingType.BOOLEAN, packageValue: true },
	{ id: Setting.InactiveCooldownHours, section: SettingSection.Accounts, type: SettingType.NUMBER, packageValue: 2 },
	{ id: Setting.LoginErrorCooldownMinutes, section: SettingSection.Accounts, type: SettingType.NUMBER, packageValue: 15 },
	{ id: Setting.MobileAccess, section: SettingSection.Accounts, type: SettingType.BOOLEAN, packageValue: true },
	{ id: Setting.LinkExistingAccounts, section: SettingSection.Accounts, type: SettingType.BOOLEAN, packageValue: false },
	{ id: Setting.PrivilegedRoles, section: SettingSection.Accounts, type: SettingType.STRING, packageValue: 'admin', multiline: true },

	{ id: Setting.SyncFeedUrl, section: SettingSection.Sync, type: SettingType.STRING, packageValue: '' },
	{ id: Setting.SyncIntervalMinutes, section: SettingSection.Sync, type: SettingType.NUMBER, packageValue: 15 },
	{ id: Setting.SyncResyncPasswords, section: SettingSection.Sync, type: SettingType.BOOLEAN, packageValue: false },
	{ id: Setting.SyncPhotos, section: SettingSection.Sync, type: SettingType.BOOLEAN, packageValue: true },
	{ id: Setting.SyncEmail, section: SettingSection.Sync, type: SettingType.BOOLEAN, packageValue: true },
	{ id: Setting.SyncDisableWithoutGroups, section: SettingSection.Sync, type: SettingType.BOOLEAN, packageValue: true },
	{ id: Setting.SyncDeleteInactiveGroups, section: SettingSection.Sync, type: SettingType.BOOLEAN, packageValue: true },
	{ id: Setting.SyncExclusionGroup, section: SettingSection.Sync, type: SettingType.STRING, packageValue: '' },
	{ id: Setting.SyncDryRunOnly, section: SettingSection.Sync, type: SettingType.BOOLEAN, packageValue: false },
	{ id: Setting.SyncSafetyLimitPercent, section: SettingSection.Sync, type: SettingType.NUMBER, packageValue: 20 },
	{ id: Setting.SyncAssignableRoles, section: SettingSection.Sync, type: SettingType.STRING, packageValue: '', multiline: true },

	{ id: Setting.BotTriggersEnabled, section: SettingSection.Chatbot, type: SettingType.BOOLEAN, packageValue: true },
	{ id: Setting.BotPointsEnabled, section: SettingSection.Chatbot, type: SettingType.BOOLEAN, packageValue: true },
	{ id: Setting.BotPointsCooldownSeconds, section: SettingSection.Chatbot, type: SettingType.NUMBER, packageValue: 60 },
	{ id: Setting.BotPointsMaxPerMessage, section: SettingSection.Chatbot, type: SettingType.NUMBER, packageValue: 5 },
	{ id: Setting.BotDisplayName, section: SettingSection.Chatbot, type: SettingType.STRING, packageValue: 'Rocket Integration' },

	{ id: Setting.HistoryEnabled, section: SettingSection.History, type: SettingType.BOOLEAN, packageValue: false },
	{ id: Setting.HistoryUrl, section: SettingSection.History, type: SettingType.STRING, packageValue: '' },
	{ id: Setting.HistoryBatchSize, section: SettingSection.History, type: SettingType.NUMBER, packageValue: 100 },
	{ id: Setting.HistoryAllRooms, section: SettingSection.History, type: SettingType.BOOLEAN, packageValue: false },
	{ id: Setting.HistoryMaxAttempts, section: SettingSection.History, type: SettingType.NUMBER, packageValue: 10 },

	{ id: Setting.LogRetentionDays, section: SettingSection.Log, type: SettingType.NUMBER, packageValue: 30 },
];

/** The settings as the engine takes them. */
export const settings: ReadonlyArray<ISetting> = declared.map((s) => ({
	...s,
	required: s.required ?? false,
	public: false,
	i18nLabel: s.id,
	i18nDescription: `${s.id}_description`,
}));
