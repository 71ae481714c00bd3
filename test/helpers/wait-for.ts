/**
 * Waits until `probe` gives a value (anything but undefined or false) and returns it; throws
 * "timed out waiting for WHAT" after `timeoutMs`. Tests wait on what they can observe (a state
 * file, a journal record, a job in the queue), never on the clock alone.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
