/**
 * A sleep that ends early when something happens: the map's loop waits on it between rounds,
 * and a status snapshot, a finished local process, new chunks or an abort wake it at once.
 */
export class Waker {
  private wakeUp: (() => void) | undefined;
  private pending = false;

  /** Resolves after `ms`, or as soon as wake() is called (also if it was called since the last wait). */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = undefined;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.pending = true;
  }
}
