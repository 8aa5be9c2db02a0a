# cmake -P script of the plugin_out_of_tree test (see CMakeLists.txt next to it).
# Inputs: EXAMPLE_DIR, PACKAGE_DIR, WORK_DIR, CLI, GENERATOR, CXX.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(build "${WORK_DIR}/build")
set(xdg "${WORK_DIR}/xdg")

# 1. Configure and build the example against the package, as a separate project would. The
#    package reads the user's plugin folder from XDG_DATA_HOME when the project is configured.
run("configuring the example" ${CMAKE_COMMAND} -E env XDG_DATA_HOME=${xdg}
    ${CMAKE_COMMAND} -S "${EXAMPLE_DIR}" -B "${build}" -G "${GENERATOR}"
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release -DNASStudio_DIR=${PACKAGE_DIR})
run("building the example" ${CMAKE_COMMAND} --build "${build}")
file(GLOB built "${build}/liblocal_search.so")
if(NOT built)
  message(FATAL_ERROR "the example built no liblocal_search.so in ${build}")
endif()

# 2. Install it into a user plugin folder ($XDG_DATA_HOME/nasstudio/plugins), the way its
#    README says, and nowhere else: NASSTUDIO_PLUGIN_PATH is unset for the runs below.
run("installing the example" ${CMAKE_COMMAND} --install "${build}")
if(NOT EXISTS "${xdg}/nasstudio/plugins/liblocal_search.so")
  message(FATAL_ERROR "cmake --install did not put the plugin into ${xdg}/nasstudio/plugins")
endif()
set(env ${CMAKE_COMMAND} -E env --unset=NASSTUDIO_PLUGIN_PATH XDG_DATA_HOME=${xdg})

# 3. The CLI lists it, loaded, with its component.
run("nasstudio-cli plugins --json" ${env} "${CLI}" plugins --json)
string(JSON n LENGTH "${out}" plugins)
set(found "")
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  string(JSON name GET "${out}" plugins ${i} name)
  if(name STREQUAL "local_search")
    string(JSON loaded GET "${out}" plugins ${i} loaded)
    string(JSON kind GET "${out}" plugins ${i} components 0 kind)
    string(JSON cname GET "${out}" plugins ${i} components 0 name)
    set(found "${loaded} ${kind} ${cname}")
  endif()
endforeach()
if(NOT found STREQUAL "ON strategy local-search")
  message(FATAL_ERROR "local_search not listed as a loaded plugin adding strategy local-search (got '${found}'):\n${out}")
endif()

# 4. The tabular-search job offers it: its "strategy" choices (the form the GUI builds for a
#    new job, from the same engine and schema) include local-search.
run("nasstudio-cli methods --json" ${env} "${CLI}" methods --json)
string(JSON nm LENGTH "${out}" methods)
math(EXPR last "${nm} - 1")
set(offered OFF)
foreach(i RANGE ${last})
  string(JSON mname GET "${out}" methods ${i} name)
  if(mname STREQUAL "tabular-search")
    string(JSON np LENGTH "${out}" methods ${i} params)
    math(EXPR plast "${np} - 1")
    foreach(j RANGE ${plast})
      string(JSON pname GET "${out}" methods ${i} params ${j} name)
      if(pname STREQUAL "strategy")
        string(JSON choices GET "${out}" methods ${i} params ${j} choices)
        if(choices MATCHES "\"local-search\"")
          set(offered ON)
        endif()
      endif()
    endforeach()
  endif()
endforeach()
if(NOT offered)
  message(FATAL_ERROR "the tabular-search job does not offer strategy local-search")
endif()

# 5. A search runs with its strategy and parameter, and an unknown parameter is refused.
run("tabular search with the plugin's strategy" ${env} "${CLI}" tabular search --strategy local-search
    --strategy-param init=5 --queries 60 --seeds 3 --json)
string(JSON strategy ERROR_VARIABLE e GET "${out}" strategy)
if(NOT strategy STREQUAL "local-search")
  message(FATAL_ERROR "the search did not report strategy local-search:\n${out}")
endif()
execute_process(COMMAND ${env} "${CLI}" tabular search --strategy local-search --strategy-param radius=2
                RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
if(rc EQUAL 0 OR NOT "${o}${e}" MATCHES "radius")
  message(FATAL_ERROR "an unknown parameter was not refused by name (${rc}):\n${o}\n${e}")
endif()
string(JSON mean GET "${out}" mean_best)
string(JSON best GET "${out}" best_value)
message(STATUS "out-of-tree plugin built, listed, and searched with: mean best ${mean}, best ${best} (60 queries x 3 seeds)")
