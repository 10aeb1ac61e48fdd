"""What every app shares, with no models and no imports from the apps above it: PDF rendering
with the shipped fonts and the official document blocks, xlsx writing, download responses,
form widgets, filters and list template tags."""
