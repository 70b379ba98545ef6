// Types of dev/build.cjs (plain JavaScript: it runs before anything is compiled).

/** Build dist/ unless it is current; says so on stderr when it builds. Type errors are reported, not fatal, when tsc wrote the JavaScript. */
export declare function buildIfStale(): void;
/** Compile src/ into a clean dist/ now; `strict` (the default) fails on type errors. */
export declare function buildNow(options?: { strict?: boolean }): void;
/** Why dist/ needs building, or undefined when it is current. */
export declare function staleness(): string | undefined;
/** The absolute path of dist/. */
export declare const dist: string;
