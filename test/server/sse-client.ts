/** A small Server-Sent Events client over node's fetch, for tests: a real HTTP connection. */

export interface SseMessage { id?: string; event?: string; data?: string }
export interface EventData { type: string; object: string; recordId: string; changed?: string[]; at: string }

export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  ended = false;
  private buffer = '';
  private waiters: Array<() => void> = [];

  private constructor(readonly response: Response, private readonly controller: AbortController) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const controller = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    const client = new SseClient(response, controller);
    if (response.ok && response.body) void client.pump(response.body);
    return client;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted by close()
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private feed(text: string): void {
    this.buffer += text;
    for (let i = this.buffer.indexOf('\n\n'); i >= 0; i = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 2);
      const msg: SseMessage = {};
      let hasField = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) { this.comments.push(line.slice(1).trim()); continue; }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') { msg.id = value; hasField = true; }
        else if (field === 'event') { msg.event = value; hasField = true; }
        else if (field === 'data') { msg.data = msg.data === undefined ? value : `${msg.data}\n${value}`; hasField = true; }
      }
      if (hasField && msg.data !== undefined) this.messages.push(msg);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until `check` returns something (re-checked on every chunk received). */
  async waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000, what = 'a condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined && v !== false) return v;
      if (this.ended) throw new Error(`stream ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** The events received so far, parsed. */
  events(filter: (e: EventData & { id: number; event: string }) => boolean = () => true): Array<EventData & { id: number; event: string }> {
    return this.messages
      .map((m) => ({ ...(JSON.parse(m.data ?? '{}') as EventData), id: Number(m.id), event: m.event ?? 'message' }))
      .filter(filter);
  }

  /** Waits for `n` events matching `filter`. */
  waitForEvents(n: number, filter: (e: EventData & { id: number; event: string }) => boolean = () => true, timeoutMs = 10_000) {
    return this.waitFor(() => { const got = this.events(filter); return got.length >= n ? got : undefined; }, timeoutMs, `${n} event(s)`);
  }

  close(): void {
    this.controller.abort();
  }
}

/** Polls until `check` is true (for state on the server side). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
