// Terminal progress: a list of steps, each with its elapsed time. On a TTY the running step is one
// line redrawn with a spinner; elsewhere (CI logs, tests) every step prints a start and an end line.

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface StepOptions {
  /** Printed once when the step is still running after `slowAfterMs` (default 8 s). */
  slowNote?: string;
  slowAfterMs?: number;
}

export type StepUpdate = (detail: string) => void;

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function formatElapsed(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

export class StepFailedError extends Error {
  override readonly name = 'StepFailedError';
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`${step}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export class Progress {
  private readonly tty: boolean;
  private readonly started = Date.now();

  constructor(
    private readonly out: ProgressOutput,
    private readonly now: () => number = Date.now,
  ) {
    this.tty = out.isTTY === true && process.env['CI'] === undefined;
  }

  /** Total time since the progress list was created. */
  elapsed(): string {
    return formatElapsed(this.now() - this.started);
  }

  line(text = ''): void {
    this.out.write(`${text}\n`);
  }

  async step<T>(
    title: string,
    run: (update: StepUpdate) => Promise<T>,
    options: StepOptions = {},
  ): Promise<T> {
    const begin = this.now();
    let detail = '';
    let frame = 0;
    let noted = false;
    const render = () => {
      const elapsed = formatElapsed(this.now() - begin);
      const suffix = detail ? `  ${detail}` : '';
      this.out.write(`\r\x1b[2K${SPINNER[frame % SPINNER.length]} ${title}  ${elapsed}${suffix}`);
      frame += 1;
    };
    const note = () => {
      if (noted || !options.slowNote) return;
      if (this.now() - begin < (options.slowAfterMs ?? 8_000)) return;
      noted = true;
      if (this.tty) this.out.write('\r\x1b[2K');
      this.line(`  … ${options.slowNote}`);
    };
    let timer: NodeJS.Timeout | undefined;
    if (this.tty) {
      render();
      timer = setInterval(() => {
        note();
        render();
      }, 120);
    } else {
      this.line(`→ ${title}`);
      timer = setInterval(note, 1_000);
    }
    const update: StepUpdate = (text) => {
      if (!this.tty && text && text !== detail) this.line(`  ${text}`);
      detail = text;
    };
    try {
      const result = await run(update);
      clearInterval(timer);
      this.finish('✔', title, begin);
      return result;
    } catch (error) {
      clearInterval(timer);
      this.finish('✘', title, begin);
      throw error instanceof StepFailedError ? error : new StepFailedError(title, error);
    }
  }

  private finish(mark: string, title: string, begin: number): void {
    const text = `${mark} ${title}  ${formatElapsed(this.now() - begin)}`;
    if (this.tty) this.out.write(`\r\x1b[2K${text}\n`);
    else this.line(text);
  }
}
