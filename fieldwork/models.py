# Models arrive with this area's issue (see shared/DESIGN.md §2).
