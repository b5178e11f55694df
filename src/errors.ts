/**
 * Typed errors with stable codes, in the manner of undici: callers switch on `code`, never on
 * message text. Every error the CLI expects carries the exit code it maps to, so the top level
 * prints one line and exits without a stack trace.
 */
import { EXIT } from './exit-codes.js';
import { oneLine, quote } from './escape.js';

export type ConnresetErrorCode =
  | 'CR_USAGE'
  | 'CR_BAD_TARGET'
  | 'CR_BAD_DURATION'
  | 'CR_BAD_OPTION'
  | 'CR_UNKNOWN_ERROR_CODE'
  | 'CR_EMPTY_INPUT'
  | 'CR_CONFIG'
  | 'CR_IO'
  | 'CR_INTERRUPTED';

export class ConnresetError extends Error {
  readonly code: ConnresetErrorCode;
  readonly exitCode: number;
  constructor(code: ConnresetErrorCode, message: string, exitCode: number) {
    super(message);
    this.name = 'ConnresetError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad input a user typed: one line on stderr, exit 2. `hint` is a "did you mean" style suggestion. */
export class UsageError extends ConnresetError {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string, code: ConnresetErrorCode = 'CR_USAGE') {
    super(code, message, EXIT.usage);
    this.name = 'UsageError';
    this.hint = hint;
  }
}

export class BadTargetError extends UsageError {
  constructor(input: string, reason: string, hint?: string) {
    super(`bad target ${quote(input)}: ${reason}`, hint, 'CR_BAD_TARGET');
    this.name = 'BadTargetError';
  }
}

export class BadDurationError extends UsageError {
  constructor(input: string, option?: string) {
    super(
      `bad duration ${quote(input)}${option ? ` for ${option}` : ''}: use a number with a unit, e.g. 500ms, 5s, 2m`,
      undefined,
      'CR_BAD_DURATION',
    );
    this.name = 'BadDurationError';
  }
}

/** A config file that does not validate: names the file, line and field. */
export class ConfigError extends UsageError {
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;
  constructor(file: string, message: string, line?: number, field?: string) {
    const where = line !== undefined ? `${file}:${line}` : file;
    super(`${where}: ${field ? `${field}: ` : ''}${message}`, undefined, 'CR_CONFIG');
    this.name = 'ConfigError';
    this.file = file;
    this.line = line;
    this.field = field;
  }
}

/** Longest error line printed: enough for any message we write, far from a 20 MB echo. */
export const MAX_ERROR_LINE = 2000;

/**
 * The one line the CLI prints for an expected failure: message, then the hint in parentheses.
 * Escaped (messages quote user input) and cut, so it is exactly one line whatever the input.
 */
export function errorLine(error: ConnresetError): string {
  const hint = error instanceof UsageError && error.hint ? ` (${error.hint})` : '';
  return messageLine(`${error.message}${hint}`);
}

/** `connreset: MESSAGE` as one escaped, bounded line: for every message that may carry input. */
export function messageLine(message: string): string {
  return `connreset: ${oneLine(message, MAX_ERROR_LINE)}\n`;
}

/**
 * `connreset … | head` closes the pipe early: that is the reader's choice, not an error worth a
 * stack trace, so EPIPE on an output stream is swallowed.
 */
export function ignoreClosedPipe(stream: NodeJS.WritableStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
