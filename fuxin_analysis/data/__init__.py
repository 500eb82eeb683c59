"""The data layer: reading and validating plan folders, observation files, workbooks and reference series. Imports no
other layer."""
