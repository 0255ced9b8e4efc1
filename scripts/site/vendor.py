"""The npm packages the site takes files from, at the versions pinned in requirements-npm.txt.

`make` installs them into .npm-packages/ (git-ignored, no lock file). The docs arrow copies
what the browser needs into the site's `vendor/` folder, so nothing is fetched from a CDN:

- @duckdb/duckdb-wasm: the module (as .js: every web server sends that as JavaScript), the worker and the WebAssembly file of the build for
  browsers with WebAssembly exceptions (Chrome 95, Firefox 100, Safari 15.2 and later), for the
  SQL console (templates/console.md, docs/javascripts/console.js);
- apache-arrow: its one dependency, as the self-contained script that defines `Arrow`;
- iframe-worker: the shim Material's search uses to run its worker from file://.

world-atlas (Natural Earth boundaries) is only read at build time, by map.py.
A missing package or one at another version than the pin is an error that says what to run.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from scripts.errors import Collector
from scripts.paths import REPO

NPM = REPO / ".npm-packages" / "node_modules"
PINS = REPO / "requirements-npm.txt"
VENDOR = "vendor"
# package -> {file in the package: path in the site}
FILES = {
    "@duckdb/duckdb-wasm": {"dist/duckdb-browser.mjs": "duckdb-wasm/duckdb-browser.js",
                            "dist/duckdb-browser-eh.worker.js": "duckdb-wasm/duckdb-browser-eh.worker.js",
                            "dist/duckdb-eh.wasm": "duckdb-wasm/duckdb-eh.wasm"},
    "apache-arrow": {"Arrow.es2015.min.js": "apache-arrow/Arrow.es2015.min.js", "LICENSE.txt": "apache-arrow/LICENSE.txt"},
    "iframe-worker": {"shim/index.js": "iframe-worker/shim.js", "LICENSE": "iframe-worker/LICENSE"},
}
PIN = re.compile(r"^(@?[^@\s]+)@(\S+)$")


def pins() -> dict[str, str]:
    """name -> version, from requirements-npm.txt."""
    out = {}
    for line in PINS.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match and not line.startswith("#"):
            out[match.group(1)] = match.group(2)
    return out


def package(name: str, problems: Collector) -> Path | None:
    """The installed folder of a pinned package, or None with a problem saying what to run."""
    wanted = pins().get(name)
    folder = NPM / name
    manifest = folder / "package.json"
    if wanted is None:
        problems.add("requirements-npm.txt", 1, f"{name} is not pinned")
        return None
    if not manifest.is_file():
        problems.add(f".npm-packages/node_modules/{name}", 1, f"missing: run `make setup` (npm install of {name}@{wanted})")
        return None
    have = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if have != wanted:
        problems.add(f".npm-packages/node_modules/{name}", 1,
                     f"version {have} installed, {wanted} pinned: run `make setup`")
        return None
    return folder


def site_files(problems: Collector) -> dict[str, Path | bytes]:
    """docs-src path -> file, for every vendored file, plus a notice naming each package."""
    files: dict[str, Path | bytes] = {}
    notice = ["Files taken unchanged from npm packages, at the versions pinned in requirements-npm.txt.", ""]
    for name, wanted in sorted(FILES.items()):
        folder = package(name, problems)
        if folder is None:
            continue
        meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        notice.append(f"{name} {meta['version']} (licence {meta.get('license', 'see the package')}):")
        for source, target in sorted(wanted.items()):
            if not (folder / source).is_file():
                problems.add(f".npm-packages/node_modules/{name}/{source}", 1, "missing from the package")
                continue
            files[f"{VENDOR}/{target}"] = folder / source
            notice.append(f"  {VENDOR}/{target}")
        notice.append("")
    files[f"{VENDOR}/NOTICE.txt"] = "\n".join(notice).encode("utf-8")
    return files
