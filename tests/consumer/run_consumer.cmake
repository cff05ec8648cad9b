# Runs the downstream-project check as a script (cmake -P):
#   1. installs the faultline_dev component of BUILD_DIR into WORK_DIR/prefix,
#   2. configures SOURCE_DIR (tests/consumer) against it with find_package(faultline),
#   3. builds and runs the consumer program.
# Any failing step is fatal. Inputs: BUILD_DIR, SOURCE_DIR, WORK_DIR; optional GENERATOR,
# CXX_COMPILER and BUILD_TYPE to match the main build.
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run_step name)
  execute_process(COMMAND ${ARGN}
                  RESULT_VARIABLE result
                  OUTPUT_VARIABLE output
                  ERROR_VARIABLE output)
  message(STATUS "[${name}]\n${output}")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "consumer_project: step '${name}' failed (${result})")
  endif()
endfunction()

run_step(install
  "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" --component faultline_dev)

if(NOT EXISTS "${prefix}/include/faultline/faultline.h")
  message(FATAL_ERROR "consumer_project: the install did not provide faultline/faultline.h")
endif()

set(configure_args -S "${SOURCE_DIR}" -B "${consumer_build}"
    "-DCMAKE_PREFIX_PATH=${prefix}")
if(DEFINED GENERATOR AND NOT "${GENERATOR}" STREQUAL "")
  list(APPEND configure_args -G "${GENERATOR}")
else()
  find_program(ninja_program ninja)
  if(ninja_program)
    list(APPEND configure_args -G Ninja)
  endif()
endif()
if(DEFINED CXX_COMPILER AND NOT "${CXX_COMPILER}" STREQUAL "")
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(DEFINED BUILD_TYPE AND NOT "${BUILD_TYPE}" STREQUAL "")
  list(APPEND configure_args "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
endif()

run_step(configure "${CMAKE_COMMAND}" ${configure_args})
run_step(build "${CMAKE_COMMAND}" --build "${consumer_build}")

set(program "${consumer_build}/faultline_consumer${CMAKE_EXECUTABLE_SUFFIX}")
if(NOT EXISTS "${program}" AND DEFINED BUILD_TYPE AND NOT "${BUILD_TYPE}" STREQUAL "")
  set(program "${consumer_build}/${BUILD_TYPE}/faultline_consumer${CMAKE_EXECUTABLE_SUFFIX}")
endif()
run_step(run "${program}")
