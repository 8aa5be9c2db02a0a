#pragma once
// The entry functions of the parser fuzzers (issue 19). Each feeds untrusted bytes to one
// parser of the app and returns normally when the parser either gave a valid value (checked:
// it round-trips or satisfies the parser's own invariants) or threw nas::Error. Anything else
// (another exception, a crash, a sanitizer report, a value that breaks its invariants)
// escapes: libFuzzer reports it, and the GCC suite test_fuzz_corpus replays every saved case
// through the same function (tests/fuzz/corpus/<target>/).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nas::fuzz {

using Entry = void (*)(const std::uint8_t* data, std::size_t size);

struct Target {
  const char* name;  // also the corpus folder name
  Entry entry;
};

// Every target, by name: nb201_arch, darts_genotype, tabular_csv, idx_file, job_spec,
// device_profile, genotype_json, graph_form.
const std::vector<Target>& targets();
Entry targetEntry(const std::string& name);  // throws std::invalid_argument for an unknown name

// A parser broke its contract on a fuzz input (the value it returned is not valid).
[[noreturn]] void contractBroken(const std::string& what);

}  // namespace nas::fuzz
