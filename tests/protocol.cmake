# tests of the protocol area (owned by that area's work)
#
# test_protocol (unit): round trips, byte-exact encodings, malformed input,
# flat memory.  fuzz_decode (fuzz, clang + FH_FUZZ only): libFuzzer over
# fh_frame_next and every decoder, seeded from fuzz/corpus/decode.
fh_unit_test(test_protocol)
target_link_libraries(test_protocol PRIVATE fh_protocol)

# Writes the seed corpus (run by hand: fh_gen_corpus DIR; see the tool).
add_executable(fh_gen_corpus EXCLUDE_FROM_ALL fuzz/gen_corpus.c)
target_include_directories(fh_gen_corpus PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(fh_gen_corpus PRIVATE fh_protocol)

if(FH_FUZZ AND CMAKE_C_COMPILER_ID STREQUAL "Clang")
  # A fuzz-instrumented copy of the library is compiled into the fuzzer.
  add_executable(fuzz_decode fuzz/fuzz_decode.c ${FH_PROTOCOL_SOURCES})
  target_include_directories(fuzz_decode PRIVATE
    ${PROJECT_SOURCE_DIR}/protocol/include ${PROJECT_SOURCE_DIR}/protocol/src)
  target_compile_options(fuzz_decode PRIVATE -fsanitize=fuzzer,address)
  target_link_options(fuzz_decode PRIVATE -fsanitize=fuzzer,address)
  target_link_libraries(fuzz_decode PRIVATE PkgConfig::MSGPACK)
  # libFuzzer writes new inputs into the first directory only: a scratch
  # directory in the build tree, so the committed seeds never change.
  set(FH_FUZZ_SCRATCH ${CMAKE_CURRENT_BINARY_DIR}/fuzz_decode_corpus)
  file(MAKE_DIRECTORY ${FH_FUZZ_SCRATCH})
  add_test(NAME fuzz_decode
    COMMAND fuzz_decode -runs=300000 -max_len=65536
            ${FH_FUZZ_SCRATCH} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/decode)
  set_tests_properties(fuzz_decode PROPERTIES LABELS fuzz TIMEOUT 120)
endif()
