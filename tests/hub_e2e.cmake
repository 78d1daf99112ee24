# End-to-end tests of the hub daemon: the real floorhub (and floorctl to
# read the stored audit log) driven by Python clients, one ctest test per
# file tests/e2e/test_<name>.py (harness: tests/e2e/fhtest.py).  Every test
# starts its own hubs on ports the kernel picks and in private temp dirs, so
# they run in parallel without a RESOURCE_LOCK.
# shift_close, reaccount, handover, notify_mail and notify_hang first: they wait up to a minute
# (a shift boundary, a receiver's 60 s hang), mostly idle, while the others
# run beside it; notify next (its retries wait some 15 s).
set(FH_HUB_E2E_TESTS
  shift_close reaccount handover run_shift report_runs notify_mail notify_hang notify notify_mqtt notify_tls auth roles pubsub andon escalation
  equipment_oee idempotency http bad_input lifecycle downtime login tls jwks
  history
  export web_login runs plans floorctl_history stop_index)

foreach(name ${FH_HUB_E2E_TESTS})
  add_test(NAME hub_e2e_${name}
    COMMAND ${FH_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/test_${name}.py)
  set_tests_properties(hub_e2e_${name} PROPERTIES
    LABELS e2e
    TIMEOUT 150
    ENVIRONMENT "FLOORHUB_BIN=$<TARGET_FILE:floorhub>;FLOORCTL_BIN=$<TARGET_FILE:floorctl>;FH_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endforeach()
