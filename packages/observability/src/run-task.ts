export interface RunTaskOptions {
  /** @default process.exit */
  exit?: (code: number) => void;
  /** Where a failure is reported. @default process.stderr */
  stderr?: { write(text: string): unknown };
}

/**
 * A one-shot command's `main` (migrations, maintenance): runs `task` and exits 0 when it
 * resolves; a failure prints `<name> failed: <message>` (no stack: the operator needs the cause,
 * and the orchestrator reads the exit code) and exits 1. The exit status is what a compose
 * `service_completed_successfully` dependency or a Kubernetes init container waits on.
 */
export async function runTask(name: string, task: () => Promise<unknown>, options: RunTaskOptions = {}): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  try {
    await task();
  } catch (err) {
    (options.stderr ?? process.stderr).write(`${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    exit(1);
    return;
  }
  exit(0);
}
