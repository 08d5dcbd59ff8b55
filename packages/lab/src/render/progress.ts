const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 200;
const WIDTH = 30;

/**
 * A progress bar on stderr, drawn only when stderr is a terminal and only once the
 * work has lasted a second: short runs and piped output stay clean.
 */
export class ProgressBar {
  readonly #label: string;
  readonly #start = performance.now();
  readonly #timer: NodeJS.Timeout | undefined;
  #fraction = 0;
  #detail = '';
  #drawn = false;

  constructor(label: string) {
    this.#label = label;
    if (process.stderr.isTTY === true) {
      // Redrawn on a timer too, so the elapsed time moves while a long step runs.
      this.#timer = setInterval(() => this.#draw(), REDRAW_MS);
      this.#timer.unref();
    }
  }

  update(fraction: number, detail = ''): void {
    this.#fraction = Math.max(0, Math.min(1, fraction));
    this.#detail = detail;
    this.#draw();
  }

  #draw(): void {
    const elapsed = performance.now() - this.#start;
    if (this.#timer === undefined || elapsed < SHOW_AFTER_MS) return;
    const filled = Math.round(this.#fraction * WIDTH);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
    const text = `${this.#label} [${bar}] ${Math.round(this.#fraction * 100)}% ${(elapsed / 1000).toFixed(0)}s ${this.#detail}`;
    process.stderr.write(`\r${text.slice(0, (process.stderr.columns ?? 80) - 1)}\x1b[K`);
    this.#drawn = true;
  }

  done(): void {
    clearInterval(this.#timer);
    if (this.#drawn) process.stderr.write('\r\x1b[K');
    this.#drawn = false;
  }
}
