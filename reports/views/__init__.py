"""The reports' pages: the dashboard, the statistics, the targets, the yearly plans and their
collection from the units below, and the year-end report."""
