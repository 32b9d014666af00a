// Headless Chromium through the DevTools protocol, for looking at HTML reports as a person
// would: load a page, move the mouse, read the DOM, take a screenshot. Needs the `chromium`
// binary (Debian: apt-get install chromium) and Node's WebSocket (--experimental-websocket on 20).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class Page {
  private id = 0;
  private pending = new Map<number, Pending>();
  private listeners: ((method: string, params: unknown) => void)[] = [];

  private constructor(private ws: WebSocket, private proc: ChildProcess, private profile: string) {
    ws.addEventListener('message', (m) => {
      const msg = JSON.parse(String(m.data)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown };
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg.result);
      } else if (msg.method) {
        for (const l of this.listeners) l(msg.method, msg.params);
      }
    });
  }

  static async launch(width = 900, height = 1400): Promise<Page> {
    if (typeof WebSocket === 'undefined') throw new Error('no WebSocket in this Node: run with --experimental-websocket (Node 20) or Node 22+');
    const profile = mkdtempSync(join(tmpdir(), 'uringlab-chromium-'));
    const proc = spawn(process.env.CHROMIUM ?? 'chromium', [
      '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
      `--user-data-dir=${profile}`, `--window-size=${width},${height}`, '--remote-debugging-port=0', 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const browserUrl = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`chromium did not start:\n${err}`)), 30_000);
      proc.on('error', (e) => reject(new Error(`cannot run chromium (${e.message}): apt-get install chromium`)));
      proc.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    // The page target's own socket: same host and port, /devtools/page/<id>.
    const base = browserUrl.replace(/^ws:/, 'http:').replace(/\/devtools\/browser\/.*$/, '');
    const targets = (await (await fetch(`${base}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    const target = targets.find((t) => t.type === 'page');
    if (!target) throw new Error('chromium has no page target');
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', () => reject(new Error('cannot connect to chromium')));
    });
    const page = new Page(ws, proc, profile);
    await page.send('Page.enable');
    await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    return page;
  }

  send<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = ++this.id;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  async goto(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => this.listeners.push((m) => m === 'Page.loadEventFired' && resolve()));
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /** Evaluates an expression in the page and returns its (JSON-serialisable) value. */
  async eval<T>(expression: string): Promise<T> {
    const r = await this.send<{ result: { value: T }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.text}`);
    return r.result.value;
  }

  async hover(x: number, y: number): Promise<void> {
    await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y });
  }

  async screenshot(): Promise<Buffer> {
    const r = await this.send<{ data: string }>('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
    return Buffer.from(r.data, 'base64');
  }

  /** Ends the browser this Page started (by its process) and removes its profile. */
  async close(): Promise<void> {
    this.ws.close();
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    // The browser runs in a process group of its own (detached): its renderer and helper
    // processes go with it, instead of writing into the profile while it is removed.
    try {
      process.kill(-this.proc.pid!, 'SIGTERM');
    } catch {
      this.proc.kill();
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    try {
      rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (e) {
      // A leftover temporary profile is not a failed check.
      console.warn(`could not remove ${this.profile}: ${(e as Error).message}`);
    }
  }
}
