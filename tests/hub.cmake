# tests of the hub area (owned by that area's work)

# plant layout, JWT verification and the role table (hub/plant, protocol/src/roles.c)
fh_unit_test(test_plant)
target_link_libraries(test_plant PRIVATE fh_plant)
target_compile_definitions(test_plant PRIVATE
  FH_SAMPLE_PLANT="${PROJECT_SOURCE_DIR}/hub/plants/sample.json")
fh_unit_test(test_auth)
target_link_libraries(test_auth PRIVATE fh_plant)
fh_unit_test(test_roles)
target_link_libraries(test_roles PRIVATE fh_protocol)
# the notify file (hub/plant/notify_file*.c)
fh_unit_test(test_notify_file)
target_link_libraries(test_notify_file PRIVATE fh_plant)
target_compile_definitions(test_notify_file PRIVATE
  FH_SAMPLE_PLANT="${PROJECT_SOURCE_DIR}/hub/plants/sample.json")
# what notifications say and their signature (hub/notify/body.c, webhook.c)
fh_unit_test(test_notify_body)
target_link_libraries(test_notify_body PRIVATE fh_notify)
