/** Languages the app ships; every i18n file has the same keys (a test checks it). */
export const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt-BR'] as const;
export type Language = (typeof LANGUAGES)[number];

export type Dictionary = Readonly<Record<string, string>>;

/** The best shipped language for a user or server language tag ("de-CH" -> de, "pt" -> pt-BR). */
export function pickLanguage(...candidates: Array<string | undefined | null>): Language {
	for (const raw of candidates) {
		if (!raw) continue;
		const tag = raw.trim().replace('_', '-').toLowerCase();
		const exact = LANGUAGES.find((l) => l.toLowerCase() === tag);
		if (exact) return exact;
		const base = tag.split('-')[0];
		const byBase = LANGUAGES.find((l) => l.toLowerCase().split('-')[0] === base);
		if (byBase) return byBase;
	}
	return 'en';
}

/** Replaces `{name}` placeholders; unknown placeholders stay as they are. */
export function format(template: string, params: Readonly<Record<string, string | number>> = {}): string {
	return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Looks a key up in the language, then English, then returns the key itself. */
export function translate(
	dictionaries: Readonly<Record<Language, Dictionary>>,
	lang: Language,
	key: string,
	params?: Readonly<Record<string, string | number>>,
): string {
	const template = dictionaries[lang][key] ?? dictionaries.en[key] ?? key;
	return format(template, params);
}
