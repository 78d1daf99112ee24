# The hub's core in one process (tests/core/harness.h): requests fed to
# dispatch through sessions without sockets.  Label unit: it runs in well
# under a second (and again under valgrind in the plain build).
add_executable(test_core core/test_core.c core/harness.c)
target_include_directories(test_core PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
  ${CMAKE_CURRENT_SOURCE_DIR}/core)
target_compile_definitions(test_core PRIVATE
  FH_SAMPLE_PLANT="${PROJECT_SOURCE_DIR}/hub/plants/sample.json")
target_link_libraries(test_core PRIVATE fh_core)
add_test(NAME test_core COMMAND test_core)
set_tests_properties(test_core PROPERTIES LABELS unit TIMEOUT 60)
