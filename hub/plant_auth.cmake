# The plant layout loader, JWT verification, the role table, and floorctl
# (the admin tool: tokens, backups, the audit log).
#
# The role table is a library of its own: floorterm links it too, so the
# terminal offers exactly the actions the hub allows.
add_library(fh_roles STATIC roles.c)
target_include_directories(fh_roles PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(fh_roles PUBLIC fh_protocol)
target_link_libraries(fh_hub_modules PUBLIC fh_roles)
target_sources(fh_hub_modules PRIVATE file.c plant.c plant_parse.c auth.c
  auth_config.c)

add_executable(floorctl floorctl.c floorctl_token.c floorctl_store.c)
target_link_libraries(floorctl PRIVATE fh_hub_modules)
install(TARGETS floorctl)
install(FILES plants/sample.json
  DESTINATION ${CMAKE_INSTALL_DATADIR}/floorhub/plants)
