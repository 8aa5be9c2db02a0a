#pragma once
// Checks a plugin module's ELF headers before dlopen (issue 19). dlopen maps the file's
// segments without checking that the file holds them: a module cut short (a copy interrupted,
// a full disk) takes the whole process down with SIGBUS on the first touch of a missing page.
// Reads only the headers; private to the plugin loader.

#include <string>

namespace nas {

// "" when `path` is a 64-bit ELF shared object for this machine whose loadable segments all
// lie inside the file; else what is wrong, in words for the plugin list.
std::string elfModuleProblem(const std::string& path);

}  // namespace nas
