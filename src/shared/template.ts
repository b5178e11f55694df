/**
 * Types the knowledge tables share with the diagnosis (a leaf module: knowledge/ imports nothing
 * from diagnose/, see test/import-rules.test.ts).
 */

/** A template, or alternatives tried in order (the first whose facts this timeline has). */
export type Template = string | readonly string[];

/** The facts of one timeline by name, for {placeholders}; null when this timeline lacks the fact. */
export type Vars = Readonly<Record<string, string | null>>;
