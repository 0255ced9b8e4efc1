// The SQL console (console.html): DuckDB-Wasm, served by this site (vendor/, copied from the
// npm package at the version pinned in requirements-npm.txt), over the site's own data. Each
// table views.sql reads comes as an Arrow IPC stream (console/<table>.arrow, written from the
// Parquet file by the build: DuckDB-Wasm would download its parquet extension to read
// Parquet), then views.sql, with read_parquet('data/<table>.parquet') replaced by that table,
// creates the tables' views and the analysis views. Extensions are never loaded, so nothing
// is fetched from anywhere but this site. Results are written with textContent: no value
// becomes HTML.
import * as duckdb from "../vendor/duckdb-wasm/duckdb-browser.js";

const config = JSON.parse(document.getElementById("console-config").textContent);
const $ = (id) => document.getElementById(id);
const root = $("sql-console");
const ARABIC = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]/;
let connection = null;
let lastCsv = null;

function here(path) {
  return new URL(path, document.baseURI).href;
}

function setState(state, message) {
  root.dataset.state = state;
  $("console-status").textContent = message;
}

function showError(message) {
  const box = $("console-error");
  box.hidden = !message;
  $("console-error-text").textContent = message || "";
}

async function start() {
  if (location.protocol === "file:") {
    setState("file", config.file_message);
    return;
  }
  setState("loading", "Loading DuckDB-Wasm and the tables (about 35 MB the first time)…");
  const worker = new Worker(here(config.worker));
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(here(config.wasm));
  connection = await db.connect();
  // No extension is downloaded: a query that needs one fails with DuckDB's message instead.
  await connection.query("SET autoinstall_known_extensions = false; SET autoload_known_extensions = false");
  for (const { file, table } of config.tables) {
    const response = await fetch(here(file));
    if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
    await connection.insertArrowFromIPCStream(new Uint8Array(await response.arrayBuffer()), { name: table, create: true });
  }
  await connection.query(config.setup);
  $("console-run").disabled = false;
  for (const button of root.querySelectorAll("button[data-recipe]")) button.disabled = false;
  setState("ready", `Ready: DuckDB ${(await connection.query("SELECT version() AS v")).toArray()[0].v} in your browser, `
    + `${config.tables.length} tables and the views of views.sql.`);
}

function text(value, type) {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (type && globalThis.Arrow.DataType.isDate(type)) return new Date(value).toISOString().slice(0, 10);
  if (type && globalThis.Arrow.DataType.isTimestamp(type)) return new Date(Number(value)).toISOString();
  if (typeof value === "object") {
    const plain = typeof value.toJSON === "function" ? value.toJSON() : value;
    return JSON.stringify(plain, (k, v) => (typeof v === "bigint" ? v.toString() : v));
  }
  return String(value);
}

function csvField(value) {
  if (value === null) return "";
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function render(columns, rows, limit) {
  const table = document.createElement("table");
  table.dataset.kind = "result";
  const head = table.createTHead().insertRow();
  for (const name of columns) {
    const th = document.createElement("th");
    th.textContent = name;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of rows.slice(0, limit)) {
    const tr = body.insertRow();
    for (const value of row) {
      const td = tr.insertCell();
      if (value === null) {
        const span = document.createElement("span");
        span.className = "null";
        span.textContent = "NULL";
        td.appendChild(span);
      } else if (ARABIC.test(value)) {
        const span = document.createElement("span");
        span.dir = "auto";
        span.lang = "ar";
        span.textContent = value;
        td.appendChild(span);
      } else {
        td.textContent = value;
      }
      if (value !== null && value.length > 60) td.className = "long";
    }
  }
  const holder = $("console-result");
  holder.replaceChildren(table);
}

async function run() {
  if (!connection) return;
  const sql = $("console-sql").value;
  const limit = Math.max(1, parseInt($("console-limit").value, 10) || config.limit);
  showError("");
  $("console-csv").hidden = true;
  setState("running", "Running…");
  const started = performance.now();
  try {
    const result = await connection.query(sql);
    const fields = result.schema.fields;
    const columns = fields.map((f) => f.name);
    const rows = [];
    for (const record of result) {
      rows.push(fields.map((f) => text(record[f.name], f.type)));
    }
    render(columns, rows, limit);
    const csv = [columns.map(csvField).join(",")].concat(rows.map((r) => r.map(csvField).join(","))).join("\r\n");
    if (lastCsv) URL.revokeObjectURL(lastCsv);
    lastCsv = URL.createObjectURL(new Blob(["\ufeff" + csv + "\r\n"], { type: "text/csv;charset=utf-8" }));
    const link = $("console-csv");
    link.href = lastCsv;
    link.hidden = false;
    root.dataset.rows = String(rows.length);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const shown = rows.length > limit ? `; the first ${limit} are shown` : "";
    setState("done", `${rows.length} ${rows.length === 1 ? "row" : "rows"} in ${seconds} s${shown}.`);
  } catch (error) {
    $("console-result").replaceChildren();
    delete root.dataset.rows;
    showError(error && error.message ? error.message : String(error));
    setState("error", "The query failed: the message from DuckDB is below.");
  }
}

$("console-run").addEventListener("click", run);
$("console-sql").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run();
  }
});
for (const button of root.querySelectorAll("button[data-recipe]")) {
  button.addEventListener("click", () => {
    const recipe = config.recipes.find((r) => r.stem === button.dataset.recipe);
    $("console-sql").value = recipe.sql;
    run();
  });
}
start().catch((error) => {
  showError(error && error.message ? error.message : String(error));
  setState("failed", "DuckDB-Wasm could not start in this browser.");
});
