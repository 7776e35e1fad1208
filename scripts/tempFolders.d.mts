// Types of scripts/tempFolders.mjs.
export declare const TEMP_PREFIX: string;
export declare function makeRunTemp(name: string): string;
export declare function editorTemp(root: string): string;
export declare function leftoverTempFolders(dir: string, options?: { allowSocketFolders?: boolean }): string[];
export declare function leftoverProblem(dir: string, what: string, options?: { allowSocketFolders?: boolean }): string | undefined;
export declare function removeRunTemp(dir: string): void;
