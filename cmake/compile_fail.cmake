# Runs the compiler on SRC and succeeds only if compilation fails with output matching the
# regular expression on the first line of SRC, written as: // expect: <regex>
file(STRINGS "${SRC}" first LIMIT_COUNT 1)
string(REGEX REPLACE "^// expect: " "" expected "${first}")
execute_process(
  COMMAND "${CXX}" -std=c++20 -fsyntax-only "-I${INC}" "${SRC}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "compile_fail: ${SRC} compiled, but it must not")
endif()
if(NOT "${out}${err}" MATCHES "${expected}")
  message(FATAL_ERROR "compile_fail: ${SRC} failed without the expected message '${expected}':\n${err}")
endif()
message(STATUS "compile_fail: ${SRC} failed as expected ('${expected}')")
