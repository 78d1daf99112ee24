# tests of the hub area (owned by that area's work)
