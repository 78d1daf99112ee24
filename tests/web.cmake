# tests of the web area (owned by that area's work)
