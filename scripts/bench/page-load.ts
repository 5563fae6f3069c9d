// One load of the applicant's pages in Chromium, measured: what it transferred and when it became interactive.
// Used by `npm run bench:pages` (scripts/bench/pages.ts), whose header defines the figures.
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/** The start page's primary control: 开始个人认证 (the first `.button` link) on a new account's start page. */
export const PRIMARY_CONTROL = 'main a.button';

export interface RequestRecord {
  path: string;
  type: string;
  status: number;
  /** Bytes on the wire, headers included (CDP `Network.loadingFinished.encodedDataLength`). */
  transferred: number;
  /** The body as the page saw it, after decompression. */
  decoded: number;
  contentEncoding: string | null;
  cacheControl: string | null;
  /** Begun and finished, in ms from navigation start. */
  startMs: number;
  endMs: number;
}

export interface LoadFigures {
  /** Navigation start → interactive (the later of the primary control's first frame and the end of any long task begun before it). */
  interactiveMs: number;
  /** Navigation start → the frame after the primary control is in the DOM, laid out, visible and enabled. */
  controlMs: number;
  firstContentfulPaintMs: number | null;
  /** Tasks over 50 ms on the main thread, up to 300 ms after interactive. */
  longTasks: number;
  transferredBytes: number;
  decodedBytes: number;
  requests: RequestRecord[];
}

interface InPage {
  paintedAt?: number;
  longTasks: { start: number; end: number }[];
}

/**
 * Runs in the page before any of its scripts: records long tasks, and the moment the primary control is first ready
 * (a MutationObserver sees it; a requestAnimationFrame then a task later, the frame showing it has been produced).
 */
const watchScript = (selector: string) => `(() => {
  const state = (window.__rnvBench = { longTasks: [] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, end: e.startTime + e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const ready = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility === 'visible' && style.pointerEvents !== 'none' && !el.matches(':disabled, [aria-disabled="true"]');
  };
  const watch = new MutationObserver(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el || !ready(el)) return;
    watch.disconnect();
    requestAnimationFrame(() => setTimeout(() => { state.paintedAt = performance.now(); }));
  });
  watch.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

interface Pending {
  url: string;
  type: string;
  startedAtMs: number;
  /** The protocol's monotonic clock (s) when it was sent and when it finished. */
  sentAt: number;
  finishedAt?: number;
  status?: number;
  headers?: Record<string, string>;
  decoded: number;
  transferred?: number;
  done: boolean;
}

/** Every request of the page through the DevTools protocol, with its wall-clock start, until `reset`. */
async function recordNetwork(session: CDPSession) {
  let requests = new Map<string, Pending>();
  session.on('Network.requestWillBeSent', (e) => {
    requests.set(e.requestId, { url: e.request.url, type: e.type ?? 'Other', startedAtMs: e.wallTime * 1000, sentAt: e.timestamp, decoded: 0, done: false });
  });
  session.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    r.status = e.response.status;
    r.headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  });
  session.on('Network.dataReceived', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.decoded += e.dataLength;
  });
  session.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { transferred: e.encodedDataLength, finishedAt: e.timestamp, done: true });
  });
  session.on('Network.loadingFailed', (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { transferred: 0, finishedAt: e.timestamp, done: true });
  });
  await session.send('Network.enable');
  return {
    reset: () => void (requests = new Map()),
    /** The requests begun by `untilMs` (wall clock), once each has finished. */
    async begunBy(untilMs: number): Promise<Pending[]> {
      const begun = () => [...requests.values()].filter((r) => r.startedAtMs <= untilMs);
      for (let i = 0; i < 100 && begun().some((r) => !r.done); i++) await new Promise((r) => setTimeout(r, 100));
      return begun();
    },
  };
}

function toRecord(r: Pending, timeOrigin: number): RequestRecord {
  const url = new URL(r.url);
  const startMs = r.startedAtMs - timeOrigin;
  return {
    // The account's id is a new one each run: one name for the same request.
    path: url.pathname.replace(/^\/v1\/accounts\/[^/]+/, '/v1/accounts/{id}'),
    type: r.type,
    status: r.status ?? 0,
    transferred: r.transferred ?? 0,
    decoded: r.decoded,
    contentEncoding: r.headers?.['content-encoding'] ?? null,
    cacheControl: r.headers?.['cache-control'] ?? null,
    startMs: Math.round(startMs),
    endMs: Math.round(startMs + ((r.finishedAt ?? r.sentAt) - r.sentAt) * 1000),
  };
}

/** Waits for the primary control, then reads the page's own clock and the requests begun by then. */
async function measure(page: Page, network: Awaited<ReturnType<typeof recordNetwork>>): Promise<LoadFigures> {
  await page.waitForFunction(() => (globalThis as unknown as { __rnvBench?: InPage }).__rnvBench?.paintedAt !== undefined, undefined, { timeout: 30_000, polling: 50 });
  // Long task entries arrive after the task: give the observer time to see any that ended around the control.
  await page.waitForTimeout(300);
  const seen = await page.evaluate(() => {
    const state = (globalThis as unknown as { __rnvBench: InPage }).__rnvBench;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { ...state, timeOrigin: performance.timeOrigin, fcp: fcp ? fcp.startTime : null };
  });
  const controlMs = seen.paintedAt!;
  const interactiveMs = Math.max(controlMs, ...seen.longTasks.filter((t) => t.start < controlMs).map((t) => t.end));
  const requests = (await network.begunBy(seen.timeOrigin + interactiveMs)).map((r) => toRecord(r, seen.timeOrigin));
  return {
    interactiveMs: Math.round(interactiveMs),
    controlMs: Math.round(controlMs),
    firstContentfulPaintMs: seen.fcp === null ? null : Math.round(seen.fcp),
    longTasks: seen.longTasks.filter((t) => t.start < interactiveMs + 300).length,
    transferredBytes: requests.reduce((sum, r) => sum + r.transferred, 0),
    decodedBytes: requests.reduce((sum, r) => sum + r.decoded, 0),
    requests,
  };
}

/**
 * Opens `link` in `context` (fresh: a cold cache, no cookie) and measures the first page; then reloads it in the same
 * context, which resumes the tab's session from its cache and sessionStorage, and measures that too.
 */
export async function measureLink(context: BrowserContext, link: string): Promise<{ first: LoadFigures; reload: LoadFigures }> {
  await context.addInitScript({ content: watchScript(PRIMARY_CONTROL) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const network = await recordNetwork(await context.newCDPSession(page));
  await page.goto(link, { waitUntil: 'commit' });
  const first = await measure(page, network);
  network.reset();
  await page.reload({ waitUntil: 'commit' });
  const reload = await measure(page, network);
  if (errors.length) throw new Error(`the page failed: ${errors.join(' | ')}`);
  return { first, reload };
}
