# Tests of the browser dashboard (hub/web/), label e2e.
#
# web_roles: the dashboard's role table and state helpers, in node.
# web_dashboard: the bundled dashboard in headless Chromium (Debian's
# /usr/bin/chromium, driven by playwright-core) against the real floorhub;
# it writes the screenshot to ${CMAKE_CURRENT_BINARY_DIR}/web (and, with
# FH_UPDATE_SCREENSHOT=1, over the committed tests/web/dashboard.png).
# web_downtime: the Downtime view the same way (stops made by a gateway
# client, classified and split through the page; tests/web/downtime.png).
# All need scripts/web-deps to have run.
if(NOT FH_WEB)
  return()
endif()

add_test(NAME web_roles
  COMMAND ${FH_NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/roles.test.mjs)
set_tests_properties(web_roles PROPERTIES LABELS e2e TIMEOUT 60)

add_test(NAME web_dashboard
  COMMAND ${FH_NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/dashboard.test.mjs)
set_tests_properties(web_dashboard PROPERTIES
  LABELS e2e
  TIMEOUT 180
  RESOURCE_LOCK chromium
  ENVIRONMENT "FLOORHUB_BIN=$<TARGET_FILE:floorhub>;FH_WEB_ROOT=${CMAKE_BINARY_DIR}/web;FH_SOURCE_DIR=${CMAKE_SOURCE_DIR};FH_ARTEFACT_DIR=${CMAKE_CURRENT_BINARY_DIR}/web")

# web_https: the dashboard over https/wss in headless Chromium, with a
# certificate made by openssl in the test.
add_test(NAME web_https
  COMMAND ${FH_NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/https.test.mjs)
set_tests_properties(web_https PROPERTIES
  LABELS e2e
  TIMEOUT 120
  RESOURCE_LOCK chromium
  ENVIRONMENT "FLOORHUB_BIN=$<TARGET_FILE:floorhub>;FH_WEB_ROOT=${CMAKE_BINARY_DIR}/web;FH_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
add_test(NAME web_downtime
  COMMAND ${FH_NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/downtime.test.mjs)
set_tests_properties(web_downtime PROPERTIES
  LABELS e2e
  TIMEOUT 180
  RESOURCE_LOCK chromium
  ENVIRONMENT "FLOORHUB_BIN=$<TARGET_FILE:floorhub>;FH_WEB_ROOT=${CMAKE_BINARY_DIR}/web;FH_SOURCE_DIR=${CMAKE_SOURCE_DIR};FH_ARTEFACT_DIR=${CMAKE_CURRENT_BINARY_DIR}/web")

# web_handover: the shift handover on the board's tiles and the line view,
# taken over with the button (issue 18).
add_test(NAME web_handover
  COMMAND ${FH_NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/handover.test.mjs)
set_tests_properties(web_handover PROPERTIES
  LABELS e2e
  TIMEOUT 180
  RESOURCE_LOCK chromium
  ENVIRONMENT "FLOORHUB_BIN=$<TARGET_FILE:floorhub>;FH_WEB_ROOT=${CMAKE_BINARY_DIR}/web;FH_SOURCE_DIR=${CMAKE_SOURCE_DIR}")

# web_signin: the sign-in form with a user and password (a user made with
# floorctl), the session token, Sign out revoking it, a pasted token.
add_test(NAME web_signin
  COMMAND ${FH_NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/signin.test.mjs)
set_tests_properties(web_signin PROPERTIES
  LABELS e2e
  TIMEOUT 120
  RESOURCE_LOCK chromium
  ENVIRONMENT "FLOORHUB_BIN=$<TARGET_FILE:floorhub>;FLOORCTL_BIN=$<TARGET_FILE:floorctl>;FH_WEB_ROOT=${CMAKE_BINARY_DIR}/web;FH_SOURCE_DIR=${CMAKE_SOURCE_DIR}")

# web_trends: the Trends view in headless Chromium against a store filled
# by floorctl backfill (tests/web/trends.png).
add_test(NAME web_trends
  COMMAND ${FH_NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/trends.test.mjs)
set_tests_properties(web_trends PROPERTIES
  LABELS e2e
  TIMEOUT 180
  RESOURCE_LOCK chromium
  ENVIRONMENT "FLOORHUB_BIN=$<TARGET_FILE:floorhub>;FLOORCTL_BIN=$<TARGET_FILE:floorctl>;FH_WEB_ROOT=${CMAKE_BINARY_DIR}/web;FH_SOURCE_DIR=${CMAKE_SOURCE_DIR};FH_ARTEFACT_DIR=${CMAKE_CURRENT_BINARY_DIR}/web")

# web_score: the scoreboard (#/score/<line>, the tiles, the line view) in
# headless Chromium against the real floorhub (issue 13).
add_test(NAME web_score
  COMMAND ${FH_NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/score.test.mjs)
set_tests_properties(web_score PROPERTIES
  LABELS e2e
  TIMEOUT 180
  RESOURCE_LOCK chromium
  ENVIRONMENT "FLOORHUB_BIN=$<TARGET_FILE:floorhub>;FH_WEB_ROOT=${CMAKE_BINARY_DIR}/web;FH_SOURCE_DIR=${CMAKE_SOURCE_DIR}")

# web_linechart: the line view's shift chart holds the hub's oee.samples,
# taken before the page was opened (waits for the hub's first sample: up
# to ~65 s).
add_test(NAME web_linechart
  COMMAND ${FH_NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/web/linechart.test.mjs)
set_tests_properties(web_linechart PROPERTIES
  LABELS e2e
  TIMEOUT 150
  RESOURCE_LOCK chromium
  ENVIRONMENT "FLOORHUB_BIN=$<TARGET_FILE:floorhub>;FH_WEB_ROOT=${CMAKE_BINARY_DIR}/web;FH_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
