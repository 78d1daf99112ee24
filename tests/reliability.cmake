# tests of the reliability area (owned by that area's work)
