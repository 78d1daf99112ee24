# The browser dashboard (hub/web/): bundled at build time by esbuild (an
# npm devDependency, installed by scripts/web-deps) into
# ${CMAKE_BINARY_DIR}/web, which floorhub serves with --web-root, and
# installed to ${CMAKE_INSTALL_DATADIR}/floorhub/web.
#
# FH_WEB=OFF leaves the dashboard out (a machine without node).  With it ON
# and hub/web/node_modules missing, the build stops and says to run
# scripts/web-deps: a hub built without its dashboard would serve 404s.
option(FH_WEB "Bundle the browser dashboard (needs node and scripts/web-deps)" ON)
if(NOT FH_WEB)
  return()
endif()

find_program(FH_NODE node)
if(NOT FH_NODE)
  message(FATAL_ERROR "node not found: run scripts/web-deps, or configure with -DFH_WEB=OFF")
endif()

set(FH_WEB_SRC ${CMAKE_CURRENT_SOURCE_DIR}/web)
set(FH_WEB_OUT ${CMAKE_BINARY_DIR}/web)
file(GLOB FH_WEB_JS CONFIGURE_DEPENDS ${FH_WEB_SRC}/src/*.js ${FH_WEB_SRC}/src/views/*.js)
set(FH_WEB_INPUTS ${FH_WEB_JS} ${FH_WEB_SRC}/index.html ${FH_WEB_SRC}/style.css
    ${FH_WEB_SRC}/build.mjs ${FH_WEB_SRC}/package-lock.json)

add_custom_command(
  OUTPUT ${FH_WEB_OUT}/app.js ${FH_WEB_OUT}/app.css ${FH_WEB_OUT}/index.html ${FH_WEB_OUT}/style.css
  COMMAND ${FH_NODE} ${FH_WEB_SRC}/build.mjs ${FH_WEB_OUT}
  DEPENDS ${FH_WEB_INPUTS}
  WORKING_DIRECTORY ${FH_WEB_SRC}
  COMMENT "Bundling the dashboard into ${FH_WEB_OUT}"
  VERBATIM)
add_custom_target(floorhub_web ALL DEPENDS ${FH_WEB_OUT}/app.js)

install(FILES ${FH_WEB_OUT}/index.html ${FH_WEB_OUT}/style.css ${FH_WEB_OUT}/app.js ${FH_WEB_OUT}/app.css
  DESTINATION ${CMAKE_INSTALL_DATADIR}/floorhub/web)
