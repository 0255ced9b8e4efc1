"""croissant.json: ML Commons Croissant 1.0 metadata generated from the datapackage descriptor."""
from __future__ import annotations

from pathlib import Path

from scripts.publish.cite import citation

CROISSANT_TYPES = {"string": "TEXT", "number": "FLOAT", "integer": "INTEGER", "date": "DATE"}


def croissant(descriptor: dict, root: Path) -> dict:
    """ML Commons Croissant 1.0 JSON-LD generated from the datapackage descriptor.

    Record sets read the CSV files; every file, Parquet included, is a FileObject with sha256.
    """
    import mlcroissant as mlc

    objects, record_sets = [], []
    for res in descriptor["resources"]:
        if res.get("type") != "table":
            continue
        objects.append(mlc.FileObject(id=res["path"], name=res["path"], content_url=res["path"],
                                      encoding_formats=[res["mediatype"]], sha256=res["hash"].removeprefix("sha256:"),
                                      content_size=f"{res.get('bytes', res.get('x-bytes'))} B", description=res["description"]))
        if res["format"] != "csv":
            continue
        fields = [mlc.Field(id=f"{res['name']}/{f['name']}", name=f["name"], description=f["description"],
                            data_types=[getattr(mlc.DataType, CROISSANT_TYPES[f["type"]])],
                            source=mlc.Source(file_object=res["path"], extract=mlc.Extract(column=f["name"])))
                  for f in res["schema"]["fields"]]
        record_sets.append(mlc.RecordSet(id=res["name"], name=res["name"], description=res["description"],
                                         fields=fields, key=[f"{res['name']}/{k}" for k in res["schema"]["primaryKey"]]))
    cite = citation(root)
    metadata = mlc.Metadata(
        name=descriptor["name"], description=descriptor["description"], version=descriptor["version"],
        license=[lic.get("path", lic["name"]) for lic in descriptor["licenses"]],
        keywords=descriptor.get("keywords"), date_published=descriptor["version"].replace(".", "-"),
        cite_as=cite.apa(), distribution=objects, record_sets=record_sets)
    return metadata.to_json()
