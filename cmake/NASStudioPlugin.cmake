# nasstudio_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>])
# A NAS Studio plugin module lib<name>.so for a plugin built outside the source tree (loaded
# by NAS Studio from its plugin folders, see plugins/api/README.md). It links NASStudio::core
# unless LIBRARIES names the rooms it needs (NASStudio::search for a query strategy that
# needs no torch). Part of the NASStudio CMake package; included by NASStudioConfig.cmake.
function(nasstudio_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "nasstudio_add_plugin(${name}): no SOURCES")
  endif()
  if(NOT ARG_LIBRARIES)
    set(ARG_LIBRARIES NASStudio::core)
  endif()
  # C++ types cross the plugin boundary: a compiler of another family or major version may
  # lay them out differently. The loader cannot tell; say it here.
  string(REGEX MATCH "^[0-9]+" ours "${CMAKE_CXX_COMPILER_VERSION}")
  string(REGEX MATCH "^[0-9]+" theirs "${NASStudio_CXX_COMPILER_VERSION}")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL NASStudio_CXX_COMPILER_ID OR NOT ours STREQUAL theirs)
    message(WARNING "nasstudio_add_plugin(${name}): NAS Studio was built with ${NASStudio_CXX_COMPILER_ID} "
                    "${NASStudio_CXX_COMPILER_VERSION}, this plugin is built with ${CMAKE_CXX_COMPILER_ID} "
                    "${CMAKE_CXX_COMPILER_VERSION}; use the same compiler.")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES})
  target_compile_features(${name} PRIVATE cxx_std_17)
  # The loader lists plugins by file name: lib<name>.so -> "<name>".
  set_target_properties(${name} PROPERTIES PREFIX "lib" SUFFIX ".so" CXX_EXTENSIONS OFF)
endfunction()
