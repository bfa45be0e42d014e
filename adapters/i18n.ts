import { IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { Dictionary, Language, pickLanguage, translate } from '../core/i18n';
import { I18nKey } from '../core/i18nKeys';

export type { I18nKey };

/**
 * The i18n files, bundled into the app by the packager. Loaded with `require` on first use: the
 * official CLI's compiler cannot resolve JSON imports, and it checks the main class by running the
 * module, so nothing may be read from them at load time.
 */
let dictionaries: Readonly<Record<Language, Dictionary>> | undefined;
function allDictionaries(): Readonly<Record<Language, Dictionary>> {
	/* eslint-disable @typescript-eslint/no-require-imports */
	dictionaries ??= {
		en: require('../i18n/en.json') as Dictionary,
		de: require('../i18n/de.json') as Dictionary,
		fr: require('../i18n/fr.json') as Dictionary,
		es: require('../i18n/es.json') as Dictionary,
		'pt-BR': require('../i18n/pt-BR.json') as Dictionary,
	};
	/* eslint-enable @typescript-eslint/no-require-imports */
	return dictionaries;
}

export type Translate = (key: I18nKey, params?: Readonly<Record<string, string | number>>) => string;

/** A translator in the user's language, else the server's default language, else English. */
export async function translatorFor(read: IRead, user?: IUser): Promise<Translate> {
	let serverLanguage: string | undefined;
	if (!user?.settings?.preferences?.language) {
		try {
			const v = (await read.getEnvironmentReader().getServerSettings().getValueById('Language')) as unknown;
			serverLanguage = typeof v === 'string' ? v : undefined;
		} catch {
			serverLanguage = undefined;
		}
	}
	const lang = pickLanguage(user?.settings?.preferences?.language, serverLanguage);
	return (key, params) => translate(allDictionaries(), lang, key, params);
}

/** A translator for keys composed at run time from data (the admin views); the key is looked up as given. */
export type LooseTranslate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

export function loosely(t: Translate): LooseTranslate {
	return (key, params) => t(key as I18nKey, params);
}
