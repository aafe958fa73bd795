"""Docker notes: annotated command blocks and image checks for MkDocs."""

__version__ = "0.1.0"
