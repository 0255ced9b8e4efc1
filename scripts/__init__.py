"""Build scripts of the iraq-coalition-withdrawal data package.

One subpackage per layer of the data flow, lower layers first (docs/architecture.md):
pipeline (annotations -> tables), db (DuckDB), publish (release, verify, diff), site (the
docs site), curate (curators' tools); shared helpers beside them; cli.py chains them.
"""
