# tests of the storage area (owned by that area's work)
