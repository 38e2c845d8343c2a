# Wraps Debian's xapian-core (found through xapian-config) in the imported target Xapian::Xapian.
find_program(XAPIAN_CONFIG xapian-config REQUIRED)
execute_process(COMMAND ${XAPIAN_CONFIG} --cxxflags OUTPUT_VARIABLE _xapian_cflags OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${XAPIAN_CONFIG} --libs OUTPUT_VARIABLE _xapian_libs OUTPUT_STRIP_TRAILING_WHITESPACE)
separate_arguments(_xapian_cflags UNIX_COMMAND "${_xapian_cflags}")
separate_arguments(_xapian_libs UNIX_COMMAND "${_xapian_libs}")
add_library(Xapian::Xapian INTERFACE IMPORTED)
target_compile_options(Xapian::Xapian INTERFACE ${_xapian_cflags})
target_link_libraries(Xapian::Xapian INTERFACE ${_xapian_libs})
