// Failures that end a `hopscope` command with exit code 2 and one clear message (and a hint how to fix it): the
// command line, the dashboard, a port that cannot be bound. Nothing was compared when one of these is thrown.
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A mistake on the command line. */
export class UsageError extends CliError {}

/** The dashboard, its answer or its plan kept the agent from comparing anything. */
export class DashboardError extends CliError {
  constructor(
    message: string,
    hint: string | null = null,
    /** The API's error code when the dashboard answered with its error envelope. */
    readonly apiCode: string | null = null,
  ) {
    super(message, hint);
  }
}
