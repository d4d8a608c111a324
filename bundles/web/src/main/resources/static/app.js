// thplab's web view: the state arrives as server-sent events (api/events), the memory map as a
// binary picture (api/map) fetched after each; the layout of both is in docs/web.md.
'use strict';

const token = new URLSearchParams(location.search).get('token') || '';
const MAP_WIDTH = 512;

// One colour per FrameState (by name, in api/legend's order): free memory in greens getting
// darker with the order, anonymous 4 KiB grey, THPs blue (PMD) to violet (PTE) to orange
// (partially mapped), reservations yellow, kernel-owned frames brown and black.
const COLOURS = {
  FREE_0: '#eef7ee', FREE_1: '#e3f2e3', FREE_2: '#d6ecd6', FREE_3: '#c8e6c8', FREE_4: '#b9dfb9',
  FREE_5: '#a8d7a8', FREE_6: '#95cd95', FREE_7: '#80c280', FREE_8: '#69b569', FREE_9: '#4fa64f', FREE_10: '#338f33',
  ANON: '#8a8a8a', MTHP: '#5fb3c9', THP_PMD: '#1f5fbf', THP_PTE: '#8e44ad', THP_PARTIAL: '#e67e22',
  RESERVED_USED: '#c9a400', RESERVED_FREE: '#f7e27a', ISOLATED: '#e84393', PAGE_TABLE: '#795548',
  ZERO: '#b0bec5', HUGE_ZERO: '#607d8b', POISONED: '#000000', KERNEL: '#4e342e',
};

let legend = [];          // [{code, name, label}]
let palette = [];         // code -> [r, g, b]
let lastState = null;
let lastMap = null;       // {fpp, pixels: Uint8Array, blocks: Uint8Array, frames}
let mapBusy = false;
let charts = null;
let history = null;

function rgb(hex) {
  return [1, 3, 5].map(i => parseInt(hex.substr(i, 2), 16));
}

function kib(kb) {
  if (kb >= 1048576) return (kb / 1048576).toFixed(2) + ' GiB';
  if (kb >= 1024) return (kb / 1024).toFixed(1) + ' MiB';
  return kb + ' kB';
}

function say(text) {
  document.getElementById('message').textContent = text;
}

async function post(path, body) {
  const r = await fetch('api/' + path, {
    method: 'POST', headers: {'Content-Type': 'application/json', 'X-Thplab-Token': token},
    body: JSON.stringify(body),
  });
  const j = await r.json();
  if (!r.ok) throw new Error(j.error || r.statusText);
  return j;
}

// ---------------------------------------------------------------------------------------------
// The memory map.

async function loadLegend() {
  const r = await fetch('api/legend');
  const got = await r.json();
  if (!r.ok || !Array.isArray(got)) {
    say(`the legend: ${got.error || r.statusText}`); // a refused Host, say: the page cannot draw the map
    return;
  }
  legend = got;
  palette = legend.map(s => rgb(COLOURS[s.name] || '#ff00ff'));
  const ul = document.getElementById('legend');
  ul.innerHTML = '';
  for (const s of legend) {
    const li = document.createElement('li');
    li.innerHTML = `<span class="sw" style="background:${COLOURS[s.name]}"></span><span>${s.label}</span><span class="n" id="count-${s.name}"></span>`;
    ul.appendChild(li);
  }
}

async function fetchMap() {
  if (mapBusy) return;
  mapBusy = true;
  try {
    const buf = await (await fetch('api/map')).arrayBuffer();
    if (buf.byteLength < 24) return;
    const dv = new DataView(buf);
    if (dv.getUint32(0, true) !== 0x4d504854) return;
    const fpp = dv.getUint32(4, true), n = dv.getUint32(8, true), nb = dv.getUint32(12, true);
    const frames = Number(dv.getBigUint64(16, true));
    lastMap = {fpp, frames, pixels: new Uint8Array(buf, 24, n), blocks: new Uint8Array(buf, 24 + n, nb)};
    drawMap();
  } finally {
    mapBusy = false;
  }
}

function drawMap() {
  const m = lastMap;
  if (!m) return;
  const canvas = document.getElementById('map');
  const rows = Math.max(1, Math.ceil(m.pixels.length / MAP_WIDTH));
  if (canvas.height !== rows) {
    canvas.height = rows;
    canvas.style.height = Math.max(rows, 64) * (512 / MAP_WIDTH) + 'px';
  }
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(MAP_WIDTH, rows);
  const blocks = document.getElementById('show-pageblocks').checked;
  const pxPerBlock = 512 / m.fpp; // pixels per pageblock (may be below 1)
  for (let i = 0; i < m.pixels.length; i++) {
    let [r, g, b] = palette[m.pixels[i]] || [255, 0, 255];
    if (blocks) {
      const block = Math.floor(i * m.fpp / 512);
      if (m.blocks[block] === 0) { // unmovable: tinted red
        r = (r + 255 * 2) / 3; g = g * 0.6; b = b * 0.6;
      }
      if (pxPerBlock >= 4 && (i % pxPerBlock) === 0) { // a pageblock's first pixel: a boundary mark
        r = g = b = 0;
      }
    }
    img.data.set([r, g, b, 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
  document.getElementById('map-scale').textContent =
    `${m.frames} frames, ${m.fpp} to a pixel (${(m.fpp * 4)} kB)`;
}

function setupHover() {
  const canvas = document.getElementById('map');
  const tip = document.getElementById('tooltip');
  let pending = null;
  canvas.addEventListener('mouseleave', () => { tip.hidden = true; });
  canvas.addEventListener('mousemove', ev => {
    if (!lastMap) return;
    const rect = canvas.getBoundingClientRect();
    // The pixels start inside the canvas's border (clientLeft/clientTop) and span its client box.
    const x = Math.floor((ev.clientX - rect.left - canvas.clientLeft) * MAP_WIDTH / canvas.clientWidth);
    const y = Math.floor((ev.clientY - rect.top - canvas.clientTop) * canvas.height / canvas.clientHeight);
    if (x < 0 || x >= MAP_WIDTH) { tip.hidden = true; return; }
    const i = y * MAP_WIDTH + x;
    if (i < 0 || i >= lastMap.pixels.length) { tip.hidden = true; return; }
    const pfn = i * lastMap.fpp;
    const count = Math.min(lastMap.fpp, lastMap.frames - pfn, 1 << 20);
    tip.style.left = (ev.clientX - rect.left + 14) + 'px';
    tip.style.top = (ev.clientY - rect.top + 14) + 'px';
    if (pending === pfn) return;
    pending = pfn;
    fetch(`api/frames?pfn=${pfn}&count=${count}`).then(r => r.json()).then(fr => {
      if (pending !== pfn) return;
      const lines = [`frames ${pfn}..${pfn + count - 1}`];
      for (const [k, v] of Object.entries(fr.states || {})) lines.push(`  ${k}: ${v}`);
      const owners = Object.entries(fr.owners || {});
      if (owners.length) lines.push('owners:');
      for (const [k, v] of owners) lines.push(`  ${k}: ${v}`);
      lines.push('pageblocks: ' + Object.entries(fr.migratetypes || {}).map(([k, v]) => `${k} ${v}`).join(', '));
      tip.textContent = lines.join('\n');
      tip.hidden = false;
    });
  });
  document.getElementById('show-pageblocks').addEventListener('change', drawMap);
}

// ---------------------------------------------------------------------------------------------
// Counters over simulated time.

const THP_SERIES = ['thp_fault_alloc', 'thp_fault_fallback', 'thp_collapse_alloc', 'thp_split_page', 'thp_split_pmd',
  'thp_deferred_split_page', 'thp_res_alloc'];
const MEM_SERIES = ['MemFree_kB', 'AnonHugePages_kB'];
const REPORT_SERIES = ['thp_slowdown_ns', 'mmap_lock_write_ns', 'khugepaged_copy_ns', 'cow_copy_ns'];
const STROKES = ['#1f5fbf', '#e67e22', '#2e8b57', '#8e44ad', '#c0392b', '#7f8c8d', '#c9a400'];

function makeChart(el, title, names, unit) {
  const series = [{label: 'time (s)'}].concat(names.map((n, i) => ({label: n, stroke: STROKES[i % STROKES.length], width: 1.5})));
  return new uPlot({
    title, width: 520, height: 180, series,
    scales: {x: {time: false}},
    axes: [{label: 'simulated s'}, {label: unit, size: 60}],
  }, [[]].concat(names.map(() => [])), el);
}

function setupCharts() {
  charts = {
    thp: makeChart(document.getElementById('chart-thp'), 'THP events (/proc/vmstat)', THP_SERIES, 'count'),
    mem: makeChart(document.getElementById('chart-mem'), 'memory (/proc/meminfo)', ['MemFree', 'AnonHugePages'], 'MiB'),
    report: makeChart(document.getElementById('chart-report'), "the report's measures", REPORT_SERIES, 'ms'),
  };
  resetHistory();
}

function resetHistory() {
  history = {t: [], thp: THP_SERIES.map(() => []), mem: MEM_SERIES.map(() => []), report: REPORT_SERIES.map(() => [])};
}

function addPoint(s) {
  if (!s.counters) return;
  const t = s.now_ns / 1e9;
  if (history.t.length && t < history.t[history.t.length - 1]) resetHistory(); // booted again
  if (history.t.length && t === history.t[history.t.length - 1]) {
    history.t.pop(); history.thp.forEach(a => a.pop()); history.mem.forEach(a => a.pop()); history.report.forEach(a => a.pop());
  }
  history.t.push(t);
  THP_SERIES.forEach((n, i) => history.thp[i].push(s.counters[n] || 0));
  MEM_SERIES.forEach((n, i) => history.mem[i].push((s.counters[n] || 0) / 1024));
  REPORT_SERIES.forEach((n, i) => history.report[i].push(((s.report || {})[n] || 0) / 1e6));
  if (history.t.length > 3000) {
    history.t.shift(); history.thp.forEach(a => a.shift()); history.mem.forEach(a => a.shift()); history.report.forEach(a => a.shift());
  }
  charts.thp.setData([history.t].concat(history.thp));
  charts.mem.setData([history.t].concat(history.mem));
  charts.report.setData([history.t].concat(history.report));
}

// ---------------------------------------------------------------------------------------------
// Processes, policies, workloads.

function bar(region) {
  const cells = region.huge.map((h, i) => {
    const b = region.base[i];
    // huge share blue, base share grey, the rest empty: a gradient per cell
    return `<span style="background:linear-gradient(to top, #1f5fbf ${h}%, #8a8a8a ${h}%, #8a8a8a ${h + b}%, transparent ${h + b}%)"></span>`;
  }).join('');
  return `<div class="region" title="${region.name}: ${kib(region.size / 1024)}, RSS ${kib(region.rssKb)}, huge ${kib(region.anonHugeKb)}, ${region.reservations} reservations"><span class="name">${region.name}</span><span class="bar">${cells}</span></div>`;
}

let processesShown = '';

function drawProcesses(s) {
  // the server refreshes them once a second: rebuild the table only when they changed
  const key = JSON.stringify(s.processes || []);
  if (key === processesShown) return;
  processesShown = key;
  const tbody = document.querySelector('#processes tbody');
  tbody.innerHTML = (s.processes || []).map(p =>
    `<tr data-proc="${p.name}"><td>${p.name}</td><td class="rss">${kib(p.rssKb)}</td><td class="huge">${kib(p.anonHugeKb)}</td>` +
    `<td>${p.reservations}</td><td>${p.regions.map(bar).join('')}</td></tr>`).join('');
}

let policiesShown = '';

function drawPolicies(s) {
  const key = JSON.stringify(s.policies);
  if (key === policiesShown) return; // keep the controls steady while nothing changed
  policiesShown = key;
  const div = document.getElementById('policies');
  div.innerHTML = '';
  for (const p of s.policies || []) {
    const row = document.createElement('div');
    row.className = 'policy';
    row.innerHTML = `<span class="kind">${p.kind}</span>`;
    if (p.kind === 'promotion') {
      for (const c of p.candidates) {
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.id = 'promoter-' + c;
        box.checked = p.active.includes(c);
        box.addEventListener('change', () => use('promotion', (box.checked ? '+' : '-') + c));
        label.appendChild(box);
        label.append(' ' + c);
        row.appendChild(label);
      }
    } else {
      const sel = document.createElement('select');
      sel.id = 'policy-' + p.kind;
      for (const c of p.candidates) {
        const o = document.createElement('option');
        o.value = o.textContent = c;
        o.selected = p.active.includes(c);
        sel.appendChild(o);
      }
      sel.addEventListener('change', () => use(p.kind, sel.value));
      row.appendChild(sel);
    }
    div.appendChild(row);
  }
}

async function use(kind, name) {
  try {
    await post('policy', {kind, name});
    say(`${kind}: ${name}`);
  } catch (e) {
    say(`${kind} ${name}: ${e.message}`);
    policiesShown = ''; // refused: the controls go back to what is active
    if (lastState) drawPolicies(lastState);
  }
}

let jobsShown = '';

function drawJobs(s) {
  const key = JSON.stringify(s.jobs || []);
  if (key === jobsShown) return; // rebuilt only when they change: a stop button stays under the pointer
  jobsShown = key;
  const ul = document.getElementById('jobs');
  ul.innerHTML = '';
  for (const line of s.jobs || []) {
    const li = document.createElement('li');
    const n = parseInt(line, 10);
    const head = line.split('\n')[0];
    li.textContent = head;
    li.dataset.job = n;
    li.className = head.includes(': running') ? 'running' : 'done';
    if (li.className === 'running') {
      const b = document.createElement('button');
      b.textContent = 'stop';
      b.id = 'stop-' + n;
      b.addEventListener('click', async () => {
        try {
          await post('stop', {job: n});
          say(`job ${n} stopped`);
        } catch (e) {
          say(`stop ${n}: ${e.message}`);
        }
      });
      li.appendChild(b);
    }
    ul.appendChild(li);
  }
}

async function loadWorkloads() {
  const ws = await (await fetch('api/workloads')).json();
  const sel = document.getElementById('workload');
  sel.innerHTML = ws.map(w => `<option value="${w.name}">${w.name}</option>`).join('');
  document.getElementById('run').addEventListener('click', async () => {
    const params = {};
    for (const word of document.getElementById('params').value.trim().split(/\s+/).filter(Boolean)) {
      const eq = word.indexOf('=');
      if (eq < 1) { say(`'${word}' is not parameter=value`); return; }
      params[word.slice(0, eq)] = word.slice(eq + 1);
    }
    try {
      const r = await post('run', {workload: sel.value, params});
      say(`job ${r.job} started: ${sel.value}`);
    } catch (e) {
      say(`${sel.value}: ${e.message}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------

function onState(s) {
  lastState = s;
  document.getElementById('machine').textContent = 'machine ' + (s.machine || '');
  document.getElementById('clock').textContent = s.booted ? `t = ${(s.now_ns / 1e9).toFixed(3)} s simulated` : 'not booted';
  document.body.dataset.seq = s.seq;
  document.getElementById('map-empty').hidden = !!s.booted;
  if (s.map) {
    document.getElementById('thp-share').textContent = `THP ${(s.map.thpShare * 100).toFixed(1)}%`;
    document.getElementById('thp-share').dataset.share = s.map.thpShare;
    for (const [name, n] of Object.entries(s.map.counts)) {
      const el = document.getElementById('count-' + name);
      if (el) el.textContent = n ? n.toLocaleString('en') : '';
    }
    fetchMap();
  }
  drawProcesses(s);
  drawPolicies(s);
  drawJobs(s);
  addPoint(s);
}

async function main() {
  await loadLegend();
  setupHover();
  setupCharts();
  await loadWorkloads();
  const conn = document.getElementById('connection');
  const es = new EventSource('api/events');
  es.addEventListener('open', () => { conn.textContent = 'live'; conn.className = 'on'; });
  es.addEventListener('error', () => { conn.textContent = 'reconnecting'; conn.className = 'off'; });
  es.addEventListener('state', ev => onState(JSON.parse(ev.data)));
}

main();
