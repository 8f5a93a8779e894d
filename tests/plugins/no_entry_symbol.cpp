// A shared object that is not a plugin: it exports something, but not sqlop_plugin_entry.
#include "sqlite_operator/plugin.h"

extern "C" SQLOP_PLUGIN_EXPORT int some_other_function() { return 42; }
