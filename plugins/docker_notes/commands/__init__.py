"""The pure core of the command blocks: no MkDocs here, only plain functions and dataclasses."""
