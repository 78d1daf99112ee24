# tests of the reliability area (owned by that area's work)
#
# Label `reliability` (tests/reliability/README.md says what each proves):
#   rel_*            Python tests against the real floorhub (tests/reliability,
#                    on tests/e2e/fhtest.py): durability across kill -9, a
#                    full store, hostile input, load and faults, systemd.
#   fuzz_dispatch    libFuzzer over the hub's request handler (clang and
#                    FH_FUZZ only; labels fuzz and reliability).
#   valgrind_<unit>  every unit test binary under valgrind (plain builds
#                    only: valgrind and ASan do not mix).
# Sizes come from the environment at test time (FH_RELIABILITY_ROUNDS, ...);
# unset, they are the CI sizes, which keep the label under 5 minutes on two
# cores in the sanitized build.
set(FH_REL_DIR ${CMAKE_CURRENT_SOURCE_DIR}/reliability)
set(FH_REL_ENV
  "FLOORHUB_BIN=$<TARGET_FILE:floorhub>"
  "FLOORCTL_BIN=$<TARGET_FILE:floorctl>"
  "FH_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
  "FH_BUILD_DIR=${PROJECT_BINARY_DIR}"
  "PYTHONDONTWRITEBYTECODE=1")  # no __pycache__ in the source tree

# fh_reliability_test(name file timeout [unittest selectors...])
function(fh_reliability_test name file timeout)
  add_test(NAME ${name} COMMAND ${FH_PYTHON} ${FH_REL_DIR}/${file} ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS reliability
    TIMEOUT ${timeout} ENVIRONMENT "${FH_REL_ENV}")
endfunction()

# Durability
fh_reliability_test(rel_kill9 test_durability.py 240 KillNine)
fh_reliability_test(rel_ack_in_flight test_durability.py 60 AckInFlight)
fh_reliability_test(rel_escalation_downtime test_durability.py 60
  EscalationAfterDowntime)
fh_reliability_test(rel_storage_full test_storage_full.py 120)
# Hostile input (the JWT matrix and the role table are the e2e files
# test_auth.py and test_roles.py, registered here a second time)
fh_reliability_test(rel_hostile_frames test_hostile_frames.py 240)
fh_reliability_test(rel_hostile_upgrades test_hostile_peers.py 120 HostileUpgrades)
fh_reliability_test(rel_oversize test_hostile_peers.py 120 Oversize)
fh_reliability_test(rel_jwt_matrix ../e2e/test_auth.py 120)
fh_reliability_test(rel_role_table ../e2e/test_roles.py 120)
# Load and faults
fh_reliability_test(rel_slow_consumer test_slow_consumer.py 240)
fh_reliability_test(rel_vanished_peer test_faults.py 60 VanishedPeer)
fh_reliability_test(rel_connection_limit test_faults.py 60 ConnectionLimit)
# systemd (rel_systemd_install installs the whole build: run after a full build)
fh_reliability_test(rel_systemd_install test_systemd.py 120 Installed)
fh_reliability_test(rel_watchdog test_systemd.py 60 Watchdog)

# ------------------------------------------------------------ fuzz_dispatch
# The fuzzer compiles its own copy of the hub's core, plant and rules
# libraries and of fh_protocol with libFuzzer's coverage instrumentation
# (the daemon's libraries stay uninstrumented); fh_storage and the system
# libraries are linked as they are.
set(FH_FUZZ_DISPATCH_RUNS 30000 CACHE STRING
    "inputs fuzz_dispatch runs in ctest (about a minute sanitized)")
if(FH_FUZZ AND CMAKE_C_COMPILER_ID STREQUAL "Clang")
  set(fh_fuzz_srcs "")
  set(fh_fuzz_dirs "")
  foreach(lib fh_core fh_plant fh_rules)
    get_target_property(srcs ${lib} SOURCES)
    get_target_property(dir ${lib} SOURCE_DIR)
    list(TRANSFORM srcs PREPEND ${dir}/ REGEX "^[^/]")
    list(APPEND fh_fuzz_srcs ${srcs})
    list(APPEND fh_fuzz_dirs ${dir})
  endforeach()
  add_executable(fuzz_dispatch fuzz/fuzz_dispatch.c core/harness.c
    ${fh_fuzz_srcs} ${FH_PROTOCOL_SOURCES})
  target_include_directories(fuzz_dispatch PRIVATE ${fh_fuzz_dirs}
    ${CMAKE_CURRENT_SOURCE_DIR}/core
    ${PROJECT_SOURCE_DIR}/protocol/include ${PROJECT_SOURCE_DIR}/protocol/src)
  target_compile_definitions(fuzz_dispatch PRIVATE
    FH_SAMPLE_PLANT="${PROJECT_SOURCE_DIR}/hub/plants/sample.json")
  set(fh_fuzz_flags -fsanitize=fuzzer,address,undefined
      -fno-sanitize-recover=undefined)
  target_compile_options(fuzz_dispatch PRIVATE ${fh_fuzz_flags})
  target_link_options(fuzz_dispatch PRIVATE ${fh_fuzz_flags})
  target_link_libraries(fuzz_dispatch PRIVATE fh_storage PkgConfig::LWS PkgConfig::UV
    PkgConfig::JWT PkgConfig::JANSSON PkgConfig::SODIUM PkgConfig::OPENSSL
    PkgConfig::MSGPACK m)
  # New inputs go to a scratch directory in the build tree; the committed
  # seeds (second directory) never change.
  # A crash is written to fuzz_dispatch_artifacts/.
  set(fh_dispatch_scratch ${CMAKE_CURRENT_BINARY_DIR}/fuzz_dispatch_corpus)
  set(fh_dispatch_artifacts ${CMAKE_CURRENT_BINARY_DIR}/fuzz_dispatch_artifacts)
  file(MAKE_DIRECTORY ${fh_dispatch_scratch} ${fh_dispatch_artifacts})
  add_test(NAME fuzz_dispatch
    COMMAND fuzz_dispatch -runs=${FH_FUZZ_DISPATCH_RUNS} -max_len=65536
            -max_total_time=60 -print_final_stats=1
            -artifact_prefix=${fh_dispatch_artifacts}/
            ${fh_dispatch_scratch} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/dispatch)
  set_tests_properties(fuzz_dispatch PROPERTIES LABELS "fuzz;reliability"
    TIMEOUT 150)
endif()

# --------------------------------------------------------------- valgrind
# Every unit test (label unit, registered by any tests/*.cmake, also those
# included after this file) under valgrind: memory errors and definite or
# indirect leaks fail the test.  Deferred to the end of tests/ so that the
# list is complete.
function(fh_valgrind_unit_tests)
  find_program(FH_VALGRIND valgrind)
  if(NOT FH_VALGRIND)
    message(WARNING "valgrind not found (scripts/deps installs it): "
                    "the valgrind_* tests are not registered")
    return()
  endif()
  get_directory_property(tests DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} TESTS)
  foreach(t IN LISTS tests)
    get_test_property(${t} LABELS labels)
    if(NOT "unit" IN_LIST labels OR NOT TARGET ${t})
      continue()
    endif()
    add_test(NAME valgrind_${t}
      COMMAND ${FH_VALGRIND} --error-exitcode=1 --leak-check=full
              --errors-for-leak-kinds=definite,indirect --track-fds=no
              --suppressions=${FH_REL_DIR}/valgrind.supp
              $<TARGET_FILE:${t}>)
    set_tests_properties(valgrind_${t} PROPERTIES LABELS "reliability;valgrind"
      TIMEOUT 300)
  endforeach()
endfunction()
if(NOT FH_SANITIZE)
  cmake_language(DEFER DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                 CALL fh_valgrind_unit_tests)
endif()
