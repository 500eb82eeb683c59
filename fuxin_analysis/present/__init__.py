"""The presentation layer: tables, charts, bilingual labels, fonts and the explorer. Imports the methods and data
layers, never the run machinery."""
