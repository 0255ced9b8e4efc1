"""Build scripts of the iraq-coalition-withdrawal data package.

One module per arrow of the data flow (see docs/architecture.md):
load -> locate -> tables -> validate -> write -> db -> package -> docs.
"""
