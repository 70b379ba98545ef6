// Types of dev/build.cjs (plain JavaScript: it runs before anything is compiled).

/** The compiled trees: `dist` (the production build of src/) and `harness` (build/: src/, mock-provider/, steps/, dev/). */
export type BuildTarget = 'dist' | 'harness';
/** Build a tree (dist/ unless named) unless it is current; says so on stderr when it builds. Type errors are reported, not fatal, when tsc wrote the JavaScript. */
export declare function buildIfStale(target?: BuildTarget): void;
/** Compile a tree (dist/ unless named) now; `strict` (the default) fails on type errors. */
export declare function buildNow(options?: { strict?: boolean; target?: BuildTarget }): void;
/** Why a tree (dist/ unless named) needs building, or undefined when it is current. */
export declare function staleness(target?: BuildTarget): string | undefined;
/** The absolute path of dist/. */
export declare const dist: string;
/** The absolute path of build/, the harness's compiled tree. */
export declare const harness: string;
/** The absolute path of the project (where package.json is). */
export declare const root: string;
