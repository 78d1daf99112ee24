# Benchmarks (tests/bench/): built, never registered with ctest -- a
# benchmark does not decide whether the suite passes.  scripts/bench runs
# them and writes the report (README.md, "Benchmarks").
#
# floorbench: the load generator and meter (epoll WebSocket client,
# floorhub / MQTT-over-WebSocket / node-ws adapters, histograms; TLS with
# OpenSSL for --tls).
add_executable(floorbench
  bench/floorbench/main.c
  bench/floorbench/scenario.c
  bench/floorbench/sc_fanout.c
  bench/floorbench/sc_plant.c
  bench/floorbench/sc_memory.c
  bench/floorbench/sc_durable.c
  bench/floorbench/sc_storm.c
  bench/floorbench/sc_floor.c
  bench/floorbench/bench.c
  bench/floorbench/conn.c
  bench/floorbench/wsc.c
  bench/floorbench/pacer.c
  bench/floorbench/target_fh.c
  bench/floorbench/target_mqtt.c
  bench/floorbench/target_node.c
  bench/floorbench/target_nats.c
  bench/floorbench/server.c
  bench/floorbench/tls.c
  bench/floorbench/token.c
  bench/floorbench/hist.c
  bench/floorbench/out.c
  bench/floorbench/split.c
  bench/floorbench/selftest.c
  bench/floorbench/util.c)
target_link_libraries(floorbench PRIVATE fh_protocol PkgConfig::JWT PkgConfig::OPENSSL m)

# bench_reaccount: what explaining a stop of a closed shift costs, in the
# hub's core in one process (tests/core/harness.h).
add_executable(bench_reaccount bench/bench_reaccount.c core/harness.c)
target_include_directories(bench_reaccount PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
  ${CMAKE_CURRENT_SOURCE_DIR}/core)
target_compile_definitions(bench_reaccount PRIVATE
  FH_SAMPLE_PLANT="${PROJECT_SOURCE_DIR}/hub/plants/sample.json")
target_link_libraries(bench_reaccount PRIVATE fh_core)
