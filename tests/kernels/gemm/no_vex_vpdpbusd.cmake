# CTest script (cmake -P): fails if the disassembly of OBJECT (the dynamic-dispatch library)
# holds a VEX-encoded vpdpbusd. AVX3_DL code may only use the 512-bit EVEX form: the VEX form
# (AVX-VNNI) faults on CPUs with AVX-512 VNNI but no AVX-VNNI, such as Zen 4 and Cascade Lake.
# Usage: cmake -DOBJDUMP=<objdump> -DOBJECT=<file> -P no_vex_vpdpbusd.cmake
execute_process(COMMAND ${OBJDUMP} -d ${OBJECT} OUTPUT_VARIABLE listing RESULT_VARIABLE rc
                ERROR_VARIABLE errors)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "objdump -d ${OBJECT} failed: ${errors}")
endif()
string(REGEX MATCHALL "[^\n]*{vex} vpdpbusd[^\n]*" vex_lines "${listing}")
list(LENGTH vex_lines vex_count)
string(REGEX MATCHALL "vpdpbusd" all_lines "${listing}")
list(LENGTH all_lines all_count)
if(vex_count GREATER 0)
  list(GET vex_lines 0 first)
  message(FATAL_ERROR "mote: ${vex_count} VEX-encoded vpdpbusd in ${OBJECT}, e.g.\n${first}")
endif()
message(STATUS "mote: ${all_count} vpdpbusd in ${OBJECT}, none VEX-encoded")
