#pragma once
// The workspace schema as a list of forward migrations. Migration i takes user_version
// i-1 to i; Workspace::kSchemaVersion is the length of the list (checked at compile time in
// Schema.cpp). To change the schema: write one function and append it to the list.
// Private to the store.

#include <string>

struct sqlite3;

namespace nas::store {

// The meta row that marks a SQLite file as ours: meta(key, value) = (kMarkerKey, kMarkerValue).
// The meta table and this row are never changed by later migrations, so any version of
// NAS Studio can tell "a workspace (maybe newer)" from "some other SQLite file".
inline constexpr const char* kMarkerKey = "application";
inline constexpr const char* kMarkerValue = "nasstudio-workspace";

// Applies the migrations from `fromVersion` up to Workspace::kSchemaVersion and sets
// user_version. The caller holds a write transaction (all or nothing).
void migrate(sqlite3* db, int fromVersion, const std::string& path);

}  // namespace nas::store
