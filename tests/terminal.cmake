# tests of the terminal area: floorterm in tmux against the real hub, and
# the unit tests of fh_client and floorterm's model.
set(FH_TERMINAL_E2E_ENV
  "FLOORHUB_BIN=$<TARGET_FILE:floorhub>;FLOORCTL_BIN=$<TARGET_FILE:floorctl>;FLOORTERM_BIN=$<TARGET_FILE:floorterm>;FH_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
foreach(group BoardTest AckTest TerminalTest EscalationTest)
  add_test(NAME e2e_floorterm_${group}
    COMMAND ${FH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/test_floorterm.py -v ${group}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
  set_tests_properties(e2e_floorterm_${group} PROPERTIES LABELS e2e TIMEOUT 180
    ENVIRONMENT "${FH_TERMINAL_E2E_ENV}")
endforeach()
add_test(NAME e2e_floorterm_StopsTest
  COMMAND ${FH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/test_floorterm_stops.py -v StopsTest
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(e2e_floorterm_StopsTest PROPERTIES LABELS e2e TIMEOUT 180
  ENVIRONMENT "${FH_TERMINAL_E2E_ENV}")

# the report view's past shifts and 7-day table on a backfilled store
add_test(NAME e2e_floorterm_HistoryTest
  COMMAND ${FH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/test_floorterm_history.py -v HistoryTest
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(e2e_floorterm_HistoryTest PROPERTIES LABELS e2e TIMEOUT 180
  ENVIRONMENT "${FH_TERMINAL_E2E_ENV}")

# people signing in at a kiosk token's floorterm (issue 18)
add_test(NAME e2e_floorterm_KioskSignInTest
  COMMAND ${FH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/test_floorterm_kiosk.py -v KioskSignInTest
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(e2e_floorterm_KioskSignInTest PROPERTIES LABELS e2e TIMEOUT 180
  ENVIRONMENT "${FH_TERMINAL_E2E_ENV}")

# the shift handover on the board and the line view (issue 18)
add_test(NAME e2e_floorterm_HandoverTest
  COMMAND ${FH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/test_floorterm_handover.py -v HandoverTest
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(e2e_floorterm_HandoverTest PROPERTIES LABELS e2e TIMEOUT 180
  ENVIRONMENT "${FH_TERMINAL_E2E_ENV}")

fh_unit_test(test_fh_client)
target_include_directories(test_fh_client PRIVATE ${PROJECT_SOURCE_DIR}/terminal/client)
target_link_libraries(test_fh_client PRIVATE fh_client)
fh_unit_test(test_floorterm_model)
target_link_libraries(test_floorterm_model PRIVATE floorterm_core)

# fh_client's certificate checks on wss://, through floorsim and floorterm
# against hubs with good, expired, self-signed and misnamed certificates.
add_test(NAME e2e_tls_clients
  COMMAND ${FH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/test_tls_clients.py -v
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(e2e_tls_clients PROPERTIES LABELS e2e TIMEOUT 180
  ENVIRONMENT "${FH_TERMINAL_E2E_ENV};FLOORSIM_BIN=$<TARGET_FILE:floorsim>")
fh_unit_test(test_floorterm_downtime)
target_link_libraries(test_floorterm_downtime PRIVATE floorterm_core)

# the scoreboard view and runs from the product picker (issue 13)
add_test(NAME e2e_floorterm_ScoreTest
  COMMAND ${FH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/test_floorterm_score.py -v ScoreTest
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set_tests_properties(e2e_floorterm_ScoreTest PROPERTIES LABELS e2e TIMEOUT 180
  ENVIRONMENT "${FH_TERMINAL_E2E_ENV}")
