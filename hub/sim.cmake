# floorsim, the plant simulator: a gateway client (fh_client, from
# terminal/client) that drives the plant of a layout file (the hub's
# plant loader) with realistic states, counts and andons.
add_executable(floorsim sim/floorsim.c sim/sim_drive.c sim/sim_send.c
  sim/sim_model.c)
target_include_directories(floorsim PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/sim)
target_link_libraries(floorsim PRIVATE fh_hub_modules fh_client)
install(TARGETS floorsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The simulation model's unit test (label unit), kept next to its code.
add_executable(test_sim_model sim/test_sim_model.c sim/sim_model.c)
target_include_directories(test_sim_model PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/sim ${CMAKE_SOURCE_DIR}/tests)
target_compile_definitions(test_sim_model PRIVATE
  FH_SAMPLE_PLANT="${CMAKE_CURRENT_SOURCE_DIR}/plants/sample.json")
target_link_libraries(test_sim_model PRIVATE fh_hub_modules)
add_test(NAME test_sim_model COMMAND test_sim_model)
set_tests_properties(test_sim_model PROPERTIES LABELS unit TIMEOUT 300)

# floorsim against the real hub (label e2e): hub/sim/test_floorsim.py with
# the harness of tests/e2e.
add_test(NAME floorsim_e2e
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/sim/test_floorsim.py)
set_tests_properties(floorsim_e2e PROPERTIES
  LABELS e2e
  TIMEOUT 120
  ENVIRONMENT "FLOORHUB_BIN=$<TARGET_FILE:floorhub>;FLOORSIM_BIN=$<TARGET_FILE:floorsim>;FH_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
