# The daemon's core: sessions, topics, the model, the group commit, HTTP.
target_sources(fh_hub_modules PRIVATE
  config.c hub_state.c metrics.c msg.c session.c topic.c model.c publish.c commit.c
  writes.c dispatch.c escalate.c shiftclock.c http.c notify.c server.c)

add_executable(floorhub main.c)
target_link_libraries(floorhub PRIVATE fh_hub_modules)
install(TARGETS floorhub RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
