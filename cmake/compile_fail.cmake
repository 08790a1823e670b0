# Runs the compiler on SRC and succeeds only if compilation fails with output matching every
# regular expression given at the top of SRC as lines of the form: // expect: <regex>
file(STRINGS "${SRC}" lines REGEX "^// expect: ")
if(NOT lines)
  message(FATAL_ERROR "compile_fail: ${SRC} has no '// expect:' line")
endif()
execute_process(
  COMMAND "${CXX}" -std=c++20 -fsyntax-only "-I${INC}" "${SRC}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "compile_fail: ${SRC} compiled, but it must not")
endif()
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^// expect: " "" expected "${line}")
  if(NOT "${out}${err}" MATCHES "${expected}")
    message(FATAL_ERROR
      "compile_fail: ${SRC} failed without the expected message '${expected}':\n${err}")
  endif()
  message(STATUS "compile_fail: ${SRC}: found '${expected}'")
endforeach()
