#!/usr/bin/env node
// Load a Chrome trace-event JSON file into speedscope (served from localhost,
// offline) in Debian's headless Chromium, report what the viewer imported and
// warned about, and take PNG screenshots.
//
// usage: node view_trace.js TRACE.json OUT.png [options]
//   --thread SUBSTR     show the first track whose name contains SUBSTR
//                       (default: the first track speedscope lists)
//   --window-us A:B     zoom to trace time [A,B] microseconds (the file's own
//                       ts axis); speedscope rebases every track to its own
//                       first event, the script undoes that for you
//   --window F0:F1      zoom to a fraction [F0,F1] of the track's own span
//   --threads A,B,C     stack several tracks (each matched like --thread) into
//                       OUT.png, each cropped to --crop pixels (default 260),
//                       all zoomed to the same --window-us
//   --all               additionally write OUT-<n>-<track>.png for every track
//   --size WxH          viewport, default 1600x900
//   --timeout-ms N      give up on import after N ms (default 60000)
// exit status: 0 imported; 2 viewer reported an import error; 3 nothing shown
// (timeout); 1 usage / launch error.
'use strict';
const http = require('http'), fs = require('fs'), path = require('path'), os = require('os');
// The npm packages live outside the source tree (view_trace.sh installs them there).
const modules = process.env.TINYPYNQ_VIEWER_DIR ? path.join(process.env.TINYPYNQ_VIEWER_DIR, 'node_modules') : path.join(__dirname, 'node_modules');
const { chromium } = require(path.join(modules, 'playwright-core'));

function usage(msg) { if (msg) console.error('error: ' + msg); console.error('usage: node view_trace.js TRACE.json OUT.png [--thread SUBSTR] [--window-us A:B | --window F0:F1] [--all] [--size WxH]'); process.exit(1); }
const argv = process.argv.slice(2);
if (argv.length < 2) usage();
const tracePath = path.resolve(argv[0]), outPng = path.resolve(argv[1]);
const opt = { thread: null, windowUs: null, windowFrac: null, all: false, w: 1600, h: 900, timeout: 60000 };
for (let i = 2; i < argv.length; i++) {
  const a = argv[i], v = () => { if (i + 1 >= argv.length) usage(a + ' needs a value'); return argv[++i]; };
  if (a === '--thread') opt.thread = v();
  else if (a === '--window-us') opt.windowUs = v().split(':').map(Number);
  else if (a === '--window') opt.windowFrac = v().split(':').map(Number);
  else if (a === '--all') opt.all = true;
  else if (a === '--threads') opt.threads = v().split(',');
  else if (a === '--crop') opt.crop = Number(v());
  else if (a === '--size') { const [w, h] = v().split('x').map(Number); opt.w = w; opt.h = h; }
  else if (a === '--timeout-ms') opt.timeout = Number(v());
  else usage('unknown option ' + a);
}
if (!fs.existsSync(tracePath)) usage('no such file ' + tracePath);

const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const root = path.join(modules, 'speedscope/dist/release');
if (!fs.existsSync(path.join(root, 'index.html'))) usage('speedscope not installed in ' + modules + ' (run view_trace.sh, which installs it)');
const version = JSON.parse(fs.readFileSync(path.join(modules, 'speedscope/package.json'))).version;

// Per-track time extents as speedscope sees them (it keeps only B/E/X events,
// groups them by pid:tid and subtracts each group's first ts).
function trackExtents() {
  let j; try { j = JSON.parse(fs.readFileSync(tracePath, 'utf8')); } catch (e) { return null; }
  const evs = Array.isArray(j) ? j : (j.traceEvents || []);
  const m = new Map();
  for (const e of evs) {
    if (e.ph !== 'X' && e.ph !== 'B' && e.ph !== 'E') continue;
    const k = `${e.pid}:${e.tid}`, ts = Number(e.ts), end = ts + (e.ph === 'X' ? Number(e.dur ?? e.tdur ?? 0) : 0);
    const r = m.get(k) || { min: Infinity, max: -Infinity, n: 0 };
    r.min = Math.min(r.min, ts); r.max = Math.max(r.max, end); r.n++; m.set(k, r);
  }
  // Independent nesting check of X slices per track: a slice that starts inside
  // another and ends after it does not nest. Split by how far it sticks out:
  // <= 1e-6 us is binary floating-point rounding of ts+dur (e.g. 3841.744+101.376
  // = 3943.1200000000003 > 3943.12), which speedscope treats as a real overlap.
  const xs = new Map();
  for (const e of evs) if (e.ph === 'X') { const k = `${e.pid}:${e.tid}`; if (!xs.has(k)) xs.set(k, []); xs.get(k).push(e); }
  for (const [k, list] of xs) {
    list.sort((a, b) => a.ts - b.ts || (b.dur || 0) - (a.dur || 0));
    const st = []; let real = 0, rounding = 0, ex = null;
    for (const e of list) {
      const s0 = Number(e.ts), t = s0 + Number(e.dur || 0);
      while (st.length && st[st.length - 1].t <= s0) st.pop();
      if (st.length && t > st[st.length - 1].t) {
        const over = st[st.length - 1].t - s0;
        if (over <= 1e-6) rounding++; else { real++; if (!ex) ex = `"${st[st.length - 1].name}" and "${e.name}" at ts ${s0}`; }
      }
      st.push({ t, name: e.name });
    }
    const r = m.get(k); r.overlapReal = real; r.overlapRounding = rounding; r.overlapExample = ex;
  }
  for (const e of evs) if (e.ph === 'B' || e.ph === 'E') { const r = m.get(`${e.pid}:${e.tid}`); r.depth = (r.depth || 0) + (e.ph === 'B' ? 1 : -1); if (e.ph === 'E' && e.name == null) r.nonameE = (r.nonameE || 0) + 1; }
  return m;
}

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.txt': 'text/plain' };
const server = http.createServer((q, r) => {
  const u = decodeURIComponent(q.url.split('?')[0].split('#')[0]);
  const f = u === '/trace.json' ? tracePath : path.join(root, u === '/' ? 'index.html' : path.normalize(u));
  if (f !== tracePath && !f.startsWith(root + path.sep)) { r.writeHead(403); return r.end(); }
  fs.readFile(f, (e, d) => {
    if (e) { r.writeHead(404); return r.end(); }
    r.writeHead(200, { 'content-type': MIME[path.extname(f)] || 'application/octet-stream' }); r.end(d);
  });
});

const log = { console: [], pageErrors: [], dialogs: [], requestFailed: [] };
function slug(s) { return s.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 60); }

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const udd = fs.mkdtempSync(path.join(os.tmpdir(), 'view-trace-udd-'));
  let ctx, code = 0;
  try {
    ctx = await chromium.launchPersistentContext(udd, {
      executablePath: chromiumPath, headless: true, viewport: { width: opt.w, height: opt.h },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // Block anything that is not our localhost server (speedscope needs nothing else).
    await ctx.route(url => !url.href.startsWith(`http://127.0.0.1:${port}/`), r => { log.requestFailed.push('blocked ' + r.request().url()); r.abort(); });
    const p = ctx.pages()[0] || await ctx.newPage();
    p.on('console', m => log.console.push({ type: m.type(), text: m.text() }));
    p.on('pageerror', e => log.pageErrors.push(e.message));
    p.on('dialog', async d => { log.dialogs.push(d.message()); await d.dismiss().catch(() => {}); });
    p.on('requestfailed', r => log.requestFailed.push(r.url() + ' ' + (r.failure() || {}).errorText));
    await p.goto(`http://127.0.0.1:${port}/#profileURL=/trace.json`);

    // Wait for: toolbar "(i/N)" (success) or the error screen / an alert (failure).
    const t0 = Date.now(); let state = null;
    while (Date.now() - t0 < opt.timeout) {
      state = await p.evaluate(() => {
        const txt = document.body ? document.body.innerText : '';
        if (/Something went wrong/.test(txt)) return { err: txt.trim() };
        const m = txt.match(/^(.*) \((\d+)\/(\d+)\)$/m);
        return m ? { title: m[1], idx: +m[2], n: +m[3] } : null;
      });
      if (state || log.dialogs.length) break;
      await p.waitForTimeout(200);
    }
    const warnings = log.console.filter(c => c.type === 'warning' && !/GL Driver Message|GPU stall/.test(c.text)).map(c => c.text);
    const errors = log.console.filter(c => c.type === 'error').map(c => c.text).concat(log.pageErrors);
    if (log.dialogs.length || (state && state.err) || !state) {
      await p.screenshot({ path: outPng });
      console.error(`IMPORT FAILED in speedscope ${version}`);
      for (const d of log.dialogs) console.error('  dialog: ' + d);
      if (state && state.err) console.error('  page: ' + state.err.replace(/\s+/g, ' '));
      for (const e of errors) console.error('  console error: ' + e);
      for (const w of warnings) console.error('  console warning: ' + w);
      if (!state && !log.dialogs.length) console.error(`  nothing shown after ${opt.timeout} ms`);
      console.error('  screenshot of the failure: ' + outPng);
      code = log.dialogs.length || (state && state.err) ? 2 : 3;
      return;
    }
    await p.waitForTimeout(500);

    // Enumerate the tracks ("profiles") by stepping through them with the 'n' key.
    const readTitle = () => p.evaluate(() => { const m = document.body.innerText.match(/^(.*) \((\d+)\/(\d+)\)$/m); return m ? { title: m[1], idx: +m[2], n: +m[3] } : null; });
    const tracks = [];
    for (let i = 0; i < state.n; i++) {
      const s = await readTitle(); tracks.push(s.title);
      if (i < state.n - 1) { await p.keyboard.press('n'); await p.waitForTimeout(80); }
    }
    for (let i = 0; i < state.n - 1; i++) { await p.keyboard.press('p'); await p.waitForTimeout(40); }

    const ext = trackExtents();
    const keyOf = t => { const m = t.match(/pid ([^\s,)]+)[,)].*?tid ([^\s,)]+)/); return m ? `${m[1]}:${m[2]}` : null; };
    console.log(`viewer: speedscope ${version} (npm), in ${require('child_process').execFileSync(chromiumPath, ['--version']).toString().trim()} (${chromiumPath}), driven by playwright-core ${require(path.join(modules, 'playwright-core/package.json')).version}`);
    console.log(`file: ${tracePath}`);
    console.log(`import: ok, ${state.n} track(s) with slices (speedscope shows only X and B/E events; C counters, i instants and other phases are not displayed)`);
    tracks.forEach((t, i) => {
      const e = ext && ext.get(keyOf(t));
      console.log(`  track ${i + 1}: ${t}` + (e ? `  [${e.n} B/E/X events, ts ${+e.min.toFixed(3)}..${+e.max.toFixed(3)} us; speedscope's axis starts at ${+e.min.toFixed(3)}]` : ''));
      if (e && (e.overlapReal || e.overlapRounding || e.depth || e.nonameE)) console.log(`      own check: ${e.overlapReal || 0} X slices truly overlap without nesting` + (e.overlapExample ? ` (first: ${e.overlapExample})` : '') + `, ${e.overlapRounding || 0} only by float rounding of ts+dur (<=1e-6 us)` + (e.depth ? `, B/E balance ${e.depth} (B minus E)` : '') + (e.nonameE ? `, ${e.nonameE} E event(s) without "name" (speedscope ignores an E whose name differs from the open B)` : ''));
    });
    const endW = warnings.filter(w => /Tried to end/.test(w)).length, openW = warnings.filter(w => /still open at end of profile/.test(w)).length;
    console.log(`warnings: ${warnings.length} (${endW} "tried to end X when Y was on top" = slices that do not nest, ${openW} "still open at end of profile" = a B without E, or a slice whose end speedscope ignored above)`);
    for (const w of warnings.slice(0, 40)) console.log('  warning: ' + (w.length > 300 ? w.slice(0, 300) + '...' : w));
    if (warnings.length > 40) console.log(`  ... ${warnings.length - 40} more`);
    for (const e of errors) console.log('  console error: ' + e);

    async function showTrack(i) {
      const cur = (await readTitle()).idx - 1;
      for (let k = cur; k < i; k++) { await p.keyboard.press('n'); await p.waitForTimeout(60); }
      for (let k = cur; k > i; k--) { await p.keyboard.press('p'); await p.waitForTimeout(60); }
      await p.waitForTimeout(300);
    }
    async function zoom(i) {
      let f = opt.windowFrac;
      if (opt.windowUs) {
        const e = ext && ext.get(keyOf(tracks[i]));
        if (!e) { console.log('  (cannot map --window-us for this track; showing all)'); return; }
        const span = e.max - e.min;
        f = [(opt.windowUs[0] - e.min) / span, (opt.windowUs[1] - e.min) / span];
        if (f[1] <= 0 || f[0] >= 1) { console.log(`  note: window ${opt.windowUs.join(':')} us is outside track "${tracks[i]}" (${e.min}..${e.max}); showing all`); return; }
      }
      if (!f) return;
      f = [Math.max(0, f[0]), Math.min(1, f[1])];
      if (f[1] - f[0] >= 0.999) return;
      // Minimap drag selects a range, but only when the drag starts outside the
      // current viewport: first zoom the main view 10x at the far end.
      const mm = await p.evaluate(() => { const el = [...document.querySelectorAll('div')].filter(d => [...d.children].some(c => c.tagName === 'CANVAS') && d.getBoundingClientRect().height > 20 && d.getBoundingClientRect().height < 300).sort((a, b) => a.getBoundingClientRect().y - b.getBoundingClientRect().y)[0]; if (!el) return null; const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
      if (!mm) { console.log('  (minimap not found; cannot zoom)'); return; }
      const far = f[0] < 0.5 ? 0.995 : 0.005;
      await p.mouse.move(mm.x + far * mm.w, mm.y + mm.h + 100);
      await p.keyboard.down('Control'); await p.mouse.wheel(0, -36); await p.keyboard.up('Control'); await p.waitForTimeout(300);
      await p.mouse.move(mm.x + f[0] * mm.w, mm.y + mm.h / 2);
      await p.mouse.down();
      await p.mouse.move(mm.x + f[1] * mm.w, mm.y + mm.h / 2, { steps: 8 });
      await p.mouse.up();
      await p.mouse.move(mm.x + mm.w / 2, opt.h - 2); // park the cursor away from slices (no hover tooltip)
      await p.waitForTimeout(400);
    }

    if (opt.threads) {
      const crop = opt.crop || 260, parts = [];
      for (const sub of opt.threads) {
        const i = tracks.findIndex(t => t.includes(sub));
        if (i < 0) { console.error(`no track contains "${sub}"; tracks: ${tracks.join(' | ')}`); code = 1; return; }
        await p.goto('about:blank'); await p.goto(`http://127.0.0.1:${port}/#profileURL=/trace.json`);
        const t1 = Date.now(); while (!(await readTitle()) && Date.now() - t1 < opt.timeout) await p.waitForTimeout(200);
        await p.waitForTimeout(300); await showTrack(i); await zoom(i);
        parts.push((await p.screenshot({ clip: { x: 0, y: 0, width: opt.w, height: crop } })).toString('base64'));
        console.log(`  stacked track ${i + 1}: ${tracks[i]}`);
      }
      await p.goto('about:blank');
      await p.setViewportSize({ width: opt.w, height: Math.min(crop * parts.length + 4 * parts.length, 16000) });
      await p.evaluate(async ({ parts, crop, w }) => {
        document.body.style.margin = '0'; document.body.style.background = '#444';
        for (const b of parts) { const im = new Image(); im.src = 'data:image/png;base64,' + b; im.style.display = 'block'; im.style.marginBottom = '4px'; im.width = w; im.height = crop; document.body.appendChild(im); await im.decode(); }
      }, { parts, crop, w: opt.w });
      await p.screenshot({ path: outPng, fullPage: true });
      console.log(`screenshot: ${outPng} (${parts.length} tracks stacked)`);
      return;
    }
    let main = 0;
    if (opt.thread) { main = tracks.findIndex(t => t.includes(opt.thread)); if (main < 0) { console.error(`no track contains "${opt.thread}"; tracks: ${tracks.join(' | ')}`); code = 1; return; } }
    await showTrack(main); await zoom(main);
    await p.screenshot({ path: outPng });
    console.log(`screenshot: ${outPng} (track ${main + 1}: ${tracks[main]})`);
    if (opt.all) {
      const base = outPng.replace(/\.png$/i, '');
      for (let i = 0; i < tracks.length; i++) {
        await p.goto('about:blank'); await p.goto(`http://127.0.0.1:${port}/#profileURL=/trace.json`); // reset zoom
        const t1 = Date.now(); while (!(await readTitle()) && Date.now() - t1 < opt.timeout) await p.waitForTimeout(200);
        await showTrack(i); await zoom(i);
        const f = `${base}-${String(i + 1).padStart(2, '0')}-${slug(tracks[i])}.png`;
        await p.screenshot({ path: f }); console.log(`screenshot: ${f}`);
      }
    }
  } catch (e) {
    console.error('launch/driver error: ' + (e && e.stack || e)); code = 1;
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    server.close(); fs.rmSync(udd, { recursive: true, force: true });
    process.exitCode = code;
  }
});
