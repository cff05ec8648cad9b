# CheckLayers.cmake: fails when a header or source of a module includes a module above it
# (or a sibling on its own layer). Run as a script:
#   cmake -DSOURCE_DIR=<checkout> -P cmake/CheckLayers.cmake
# The layers, lowest first (DESIGN "Modules"; README "Layout"). faultline/internal/ holds
# helpers every module may use; the generated protobuf headers are not a module.
set(FAULTLINE_LAYER_io 0)
set(FAULTLINE_LAYER_model 1)
set(FAULTLINE_LAYER_ingest 2)
set(FAULTLINE_LAYER_iac 2)
set(FAULTLINE_LAYER_signals 3)
set(FAULTLINE_LAYER_analysis 4)
set(FAULTLINE_LAYER_report 5)
set(modules io model ingest iac signals analysis report)

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "CheckLayers.cmake: pass -DSOURCE_DIR=<checkout>")
endif()

set(violations "")
set(checked 0)
foreach(module IN LISTS modules)
  # A script has no target to list sources for; globbing the module folders is the point.
  file(GLOB_RECURSE files
       "${SOURCE_DIR}/include/faultline/${module}/*.h"
       "${SOURCE_DIR}/lib/${module}/*.h"
       "${SOURCE_DIR}/lib/${module}/*.cc")
  foreach(file IN LISTS files)
    math(EXPR checked "${checked} + 1")
    file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]+\"")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([^\"]+)\".*$" "\\1" inc "${line}")
      set(target "")
      if(inc MATCHES "^faultline/([a-z_]+)/")
        set(target "${CMAKE_MATCH_1}")
      elseif(inc MATCHES "^([a-z_]+)/")
        set(target "${CMAKE_MATCH_1}")
      endif()
      if(target STREQUAL "" OR target STREQUAL module OR NOT DEFINED FAULTLINE_LAYER_${target})
        continue()
      endif()
      if(NOT FAULTLINE_LAYER_${target} LESS FAULTLINE_LAYER_${module})
        file(RELATIVE_PATH rel "${SOURCE_DIR}" "${file}")
        string(APPEND violations
               "\n  ${rel}: includes \"${inc}\" (${module} may include only modules below it)")
      endif()
    endforeach()
  endforeach()
endforeach()

if(checked EQUAL 0)
  message(FATAL_ERROR "CheckLayers.cmake: no module sources under ${SOURCE_DIR}")
endif()
if(violations)
  message(FATAL_ERROR "Layering violations (io <- model <- ingest | iac <- signals <- "
                      "analysis <- report):${violations}")
endif()
