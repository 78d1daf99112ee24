# tests of the storage area (owned by that area's work)
#
# test_storage (unit): every public function of fh_storage, map growth to
# the cap, stale readers, a map grown by another process.
# crash_store (crash): kill -9 of a writing process at random moments; the
# writer is a separate binary it execs (crash_writer).
# bench_store: load benchmark, built but not registered (run it by hand).
fh_unit_test(test_storage)
target_link_libraries(test_storage PRIVATE fh_storage)

add_executable(crash_writer crash/crash_writer.c)
target_link_libraries(crash_writer PRIVATE fh_storage)
add_executable(crash_store crash/crash_store.c)
target_link_libraries(crash_store PRIVATE fh_storage)
add_dependencies(crash_store crash_writer)
add_test(NAME crash_store COMMAND crash_store $<TARGET_FILE:crash_writer>)
set_tests_properties(crash_store PROPERTIES LABELS crash TIMEOUT 120)

add_executable(bench_store bench/bench_store.c)
target_link_libraries(bench_store PRIVATE fh_storage)
