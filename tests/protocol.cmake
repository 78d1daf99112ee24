# tests of the protocol area (owned by that area's work)
