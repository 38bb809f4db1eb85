/** Progress goes to stderr, so stdout stays the report (or the JSON) alone, even when piped. */
export interface Progress {
  update(done: number, failed: number): void;
  finish(): void;
}

const BAR_WIDTH = 30;
/** Redraws at most this often: a fast stack answers thousands of requests per second. */
const REDRAW_MS = 50;

/** On a terminal: one bar, redrawn in place. */
function terminalBar(stream: NodeJS.WriteStream, total: number): Progress {
  let lastDraw = 0;
  const draw = (done: number, failed: number) => {
    const filled = Math.round((done / total) * BAR_WIDTH);
    stream.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total}${failed > 0 ? `, ${failed} failed` : ''}`,
    );
  };
  return {
    update(done, failed) {
      const now = Date.now();
      if (now - lastDraw < REDRAW_MS && done < total) return;
      lastDraw = now;
      draw(done, failed);
    },
    finish() {
      stream.write('\r\x1b[2K');
    },
  };
}

/** In a log (CI, a pipe): a plain line at every tenth. */
function plainLines(stream: NodeJS.WritableStream, total: number): Progress {
  let lastTenth = 0;
  return {
    update(done, failed) {
      const tenth = Math.floor((done * 10) / total);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`sent ${done}/${total}${failed > 0 ? `, ${failed} failed` : ''}\n`);
    },
    finish() {},
  };
}

export function progressFor(stream: NodeJS.WriteStream, total: number): Progress {
  return stream.isTTY ? terminalBar(stream, total) : plainLines(stream, total);
}
