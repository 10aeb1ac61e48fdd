"""Views of the roster, one module per page family: units, cadres (list, profile, forms),
excel (import/export), cv (the 2C PDF), merge (unit merges)."""
