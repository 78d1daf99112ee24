# The plant layout loader, JWT verification, the role table, and floorctl
# (the admin tool: tokens, backups, the audit log).
target_sources(fh_hub_modules PRIVATE file.c plant.c plant_parse.c auth.c
  auth_config.c roles.c)

add_executable(floorctl floorctl.c floorctl_token.c floorctl_store.c)
target_link_libraries(floorctl PRIVATE fh_hub_modules)
install(TARGETS floorctl)
install(FILES plants/sample.json
  DESTINATION ${CMAKE_INSTALL_DATADIR}/floorhub/plants)
