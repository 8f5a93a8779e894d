/*
 * sqlite_operator/plugin.h: the stable C ABI between sqlite-operator and its storage-backend plugins.
 *
 * A plugin is a shared object that exports one function, SQLOP_PLUGIN_ENTRY_NAME, of type
 * sqlop_plugin_entry_fn. The host calls it once, right after loading, with its own ABI version and a table
 * of host services; the plugin answers with a pointer to a static, read-only table describing itself and
 * holding its calls, or NULL (and a reason) when it cannot work with this host.
 *
 * Every call exchanges UTF-8 JSON text: the host passes a NUL-terminated request, the plugin returns a
 * NUL-terminated response that it allocated and that the host hands back to the plugin's free_response.
 * The request and response documents of each call are described in plugin-api/README.md.
 *
 * Rules that keep this ABI stable (see README.md, "Versioning"):
 * - Nothing but C types crosses this boundary: no C++ types, no exceptions, no allocations freed by the
 *   other side. Every call catches everything and reports failure through its status code.
 * - Tables only ever grow at the end; every later field is marked with the ABI minor that added it.
 *   The host reads a field only when struct_size shows the plugin's table contains it.
 * - A different ABI major is refused by both sides, by name, with a message.
 *
 * ABI history:
 *   1.0  describe, validate, render, free_response; host logger.
 */
#ifndef SQLITE_OPERATOR_PLUGIN_H
#define SQLITE_OPERATOR_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SQLOP_PLUGIN_ABI_MAJOR 1
#define SQLOP_PLUGIN_ABI_MINOR 0

/* The name of the one symbol a plugin exports. */
#define SQLOP_PLUGIN_ENTRY_NAME sqlop_plugin_entry
#define SQLOP_PLUGIN_ENTRY_SYMBOL "sqlop_plugin_entry"

#if defined(_WIN32)
#define SQLOP_PLUGIN_EXPORT __declspec(dllexport)
#else
#define SQLOP_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* Status codes returned by every call. */
typedef enum sqlop_status {
  SQLOP_OK = 0,
  SQLOP_ERROR_BAD_REQUEST = 1, /* the request JSON is malformed or misses a required member */
  SQLOP_ERROR_INTERNAL = 2,    /* the plugin failed; the response holds {"error": "..."} */
  SQLOP_ERROR_UNSUPPORTED = 3  /* e.g. a Litestream format the plugin cannot render */
} sqlop_status;

typedef enum sqlop_log_level {
  SQLOP_LOG_DEBUG = 0,
  SQLOP_LOG_INFO = 1,
  SQLOP_LOG_WARN = 2,
  SQLOP_LOG_ERROR = 3
} sqlop_log_level;

/* Capability flags a plugin sets in sqlop_plugin_table.capabilities, so a host can feature-detect. */
#define SQLOP_CAP_LITESTREAM_0_3 (UINT64_C(1) << 0) /* renders the 0.3.x `replicas` list entry */
#define SQLOP_CAP_LITESTREAM_0_5 (UINT64_C(1) << 1) /* renders the 0.5.x single `replica` mapping */
#define SQLOP_CAP_SECRET_FILES (UINT64_C(1) << 2)   /* may mount Secret volumes (not only env refs) */

/* Services the host offers to plugins. Owned by the host; valid while the plugin is loaded. */
typedef struct sqlop_host_table {
  uint32_t struct_size; /* sizeof(sqlop_host_table) as the host compiled it */
  uint16_t abi_major;
  uint16_t abi_minor;
  void* context; /* opaque, passed back to every callback */
  /* Logs one message. `message` is UTF-8, need not outlive the call. Thread-safe. Never pass secrets. */
  void (*log)(void* context, int level, const char* message);
  /* Appended fields go below, marked with their ABI minor; a plugin reads one only if struct_size covers it. */
} sqlop_host_table;

/*
 * A call: `request` is NUL-terminated UTF-8 JSON, owned by the host for the duration of the call.
 * On return *response points to NUL-terminated UTF-8 JSON allocated by the plugin (also on failure, where
 * it is {"error": "reason"}; it may be NULL only if even that allocation failed). The host releases it with
 * the same plugin's free_response. Calls must be reentrant: the host calls them from several threads at once.
 */
typedef int (*sqlop_call_fn)(const char* request, char** response);

typedef struct sqlop_plugin_table {
  uint32_t struct_size; /* sizeof(sqlop_plugin_table) as the plugin compiled it */
  uint16_t abi_major;   /* SQLOP_PLUGIN_ABI_MAJOR the plugin was built with */
  uint16_t abi_minor;   /* SQLOP_PLUGIN_ABI_MINOR the plugin was built with */
  const char* type;     /* backend type name used in replicas[].type, e.g. "s3"; static storage */
  const char* plugin_version; /* the plugin's own version, e.g. "1.2.0"; static storage */
  uint64_t capabilities;      /* SQLOP_CAP_* flags */
  sqlop_call_fn describe;     /* {} -> settings, Secret keys and defaults the backend uses */
  sqlop_call_fn validate;     /* replica + Secret -> errors and warnings with field paths */
  sqlop_call_fn render;       /* replica + context -> Litestream fragment, env, volumes, mounts */
  void (*free_response)(char* response);
  /* Appended fields go below, each marked with the ABI minor that added it. */
} sqlop_plugin_table;

/* The size of the 1.0 table: the smallest table a 1.x host accepts. */
#define SQLOP_PLUGIN_TABLE_SIZE_1_0 (offsetof(sqlop_plugin_table, free_response) + sizeof(void (*)(char*)))

/*
 * The entry point. `host` is valid for the life of the plugin. On success returns the plugin's static table.
 * On refusal (another ABI major, a host older than the plugin needs) returns NULL and writes a
 * NUL-terminated reason into `error` (at most error_size bytes, including the NUL).
 */
typedef const sqlop_plugin_table* (*sqlop_plugin_entry_fn)(const sqlop_host_table* host, char* error,
                                                           size_t error_size);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SQLITE_OPERATOR_PLUGIN_H */
