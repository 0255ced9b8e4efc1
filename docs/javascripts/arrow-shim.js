// apache-arrow as an ES module, for DuckDB-Wasm's duckdb-browser.js (console.html maps the
// name "apache-arrow" here with an import map). The names are those that module imports;
// they come from the self-contained script vendor/apache-arrow/Arrow.es2015.min.js, which
// console.html loads first and which defines the global `Arrow`.
const Arrow = globalThis.Arrow;
export const { DataType, RecordBatchReader, Table, Type, tableFromIPC, tableToIPC } = Arrow;
export default Arrow;
