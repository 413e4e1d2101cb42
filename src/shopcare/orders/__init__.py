"""The malls' order export formats and the importer."""
