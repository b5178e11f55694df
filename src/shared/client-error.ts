/** What each client would have reported: shared by the diagnosis and the knowledge tables (a leaf module). */
/** What the user's own client would have reported for this outcome, per platform/runtime. */
export interface ClientErrorView {
  symbol: string | null;
  linux: string | null;
  macos: string | null;
  windows: string | null;
  node: string | null;
  python: string | null;
  java: string | null;
  go: string | null;
  /** curl's and .NET's words, for the failures where they differ from the OS's (an HTTP error reply); absent otherwise */
  curl?: string | null;
  dotnet?: string | null;
}
