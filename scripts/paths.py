"""Where the repository's own inputs live, defined once.

A project folder given with `--root` holds the curator's inputs (articles/, annotations/,
CHANGELOG.md) and its build/; the contract (schemas/) and the code's own SQL always come
from this repository.
"""
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
SCHEMA_DIR = REPO / "schemas"
VIEW_DIR = SCRIPTS / "sql"
COOKBOOK_DIR = REPO / "docs" / "cookbook"


def display_path(path: Path, root: Path) -> str:
    """A path as the curator knows it: relative to the project or the repository."""
    for base in (Path(root).resolve(), REPO):
        try:
            return Path(path).resolve().relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)
