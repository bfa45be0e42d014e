export interface HostedEngine {
	/** The npm package (or alias) the engine comes from. */
	package: string;
	/** deno.jsonc import map entries added, each pointing at a module of deno-shims/. */
	denoImports: Record<string, string>;
	/** deno.jsonc import map entries removed. */
	denoDropImports: string[];
}
export interface DefinitionsEngine {
	package: string;
	/** The @rocket.chat/ui-kit its definitions import (an npm alias). */
	uiKit: string;
}
export declare const ROOT: string;
export declare const HOSTED: Record<string, HostedEngine>;
export declare const DEFINITIONS: Record<string, DefinitionsEngine>;
export declare function hostedVersions(): string[];
export declare function pinnedVersion(): string;
export declare function selectedVersion(env?: NodeJS.ProcessEnv): string;
export declare function engineHome(version: string): string;
export declare function engineDir(version: string): string;
export declare function engineTempDir(version: string): string;
export declare function enginePackageDir(version: string): string;
