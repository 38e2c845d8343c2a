// Boost.URL compiled into this one translation unit (Debian ships it header-only here).
#include <boost/url/src.hpp>
