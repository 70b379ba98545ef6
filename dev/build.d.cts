// Types of dev/build.cjs (plain JavaScript: it runs before anything is compiled).

/** Build dist/ unless it is current; says so on stderr when it builds. Throws with tsc's report when the build fails. */
export declare function buildIfStale(): void;
/** Compile src/ into a clean dist/ now. */
export declare function buildNow(): void;
/** Why dist/ needs building, or undefined when it is current. */
export declare function staleness(): string | undefined;
/** The absolute path of dist/. */
export declare const dist: string;
