/**
 * What a command's action hands back to main(): the exit code. Commands set it instead of calling
 * process.exit so that streams flush and tests can run main() in-process.
 */
export interface CliContext {
  exitCode: number;
  /** where human output goes (stdout by default; tests may capture) */
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}
