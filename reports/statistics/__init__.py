"""Quality statistics of the cadres as of a date (thống kê chất lượng đội ngũ cán bộ, DOMAIN.md
§10): ``data.quality_statistics`` computes the table in SQL; the page, ``xlsx`` and ``pdf`` only
lay it out."""
