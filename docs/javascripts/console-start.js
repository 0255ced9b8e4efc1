// Starts the SQL console (console.html). Browsers refuse module scripts from pages opened from
// disk (file://), so this classic script says so in place there, and elsewhere loads the
// module console.js, which runs DuckDB-Wasm.
(function () {
  const root = document.getElementById("sql-console");
  if (location.protocol === "file:") {
    root.dataset.state = "file";
    document.getElementById("console-status").textContent =
      JSON.parse(document.getElementById("console-config").textContent).file_message;
    return;
  }
  const module = document.createElement("script");
  module.type = "module";
  module.src = new URL("console.js", document.currentScript.src).href;
  document.body.appendChild(module);
})();
