# tests of the terminal area (owned by that area's work)
