#pragma once
// Small pieces every benchmark program repeats: reading "--name value" options and flags from
// the command line with errors that name the option, splitting a comma list, and the mean and
// sample standard deviation of a figure over seeds. Header only: a bench includes it as
// "../BenchSupport.h" from its folder.
//
//   for (nas::bench::Args args(argc, argv, "bench_x"); args.next();) {
//     if (args.is("--seeds")) seeds = args.intValue();
//     else if (args.is("--skip-eval")) skipEval = true;
//     else args.unknown();
//   }
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "common/Error.h"

namespace nas::bench {

// "a,b,,c" -> {"a", "b", "c"} (empty parts dropped).
inline std::vector<std::string> splitList(const std::string& s, char sep = ',') {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep))
    if (!part.empty()) out.push_back(part);
  return out;
}

inline double meanOf(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

// Sample standard deviation (n - 1); 0 for fewer than two values.
inline double sdOf(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = meanOf(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

// Walks argv one option at a time. Every error is a nas::Error (InvalidArgument) whose context
// names the program and the option.
class Args {
 public:
  Args(int argc, char** argv, std::string program) : argc_(argc), argv_(argv), program_(std::move(program)) {}

  bool next() {
    if (++i_ >= argc_) return false;
    option_ = argv_[i_];
    return true;
  }
  const std::string& option() const { return option_; }
  bool is(const char* name) const { return option_ == name; }

  // The option's value: the argument after it.
  std::string value() {
    if (i_ + 1 >= argc_) fail("needs a value");
    return argv_[++i_];
  }
  int intValue() { return static_cast<int>(number<long long>([](const std::string& t, std::size_t* n) { return std::stoll(t, n); })); }
  std::int64_t int64Value() { return number<long long>([](const std::string& t, std::size_t* n) { return std::stoll(t, n); }); }
  double doubleValue() { return number<double>([](const std::string& t, std::size_t* n) { return std::stod(t, n); }); }
  std::vector<std::string> listValue(char sep = ',') { return splitList(value(), sep); }

  [[noreturn]] void unknown() const { fail("unknown option"); }
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(ErrorCode::InvalidArgument, problem, program_ + " " + option_);
  }

 private:
  template <class T, class Parse>
  T number(Parse parse) {
    const std::string text = value();
    try {
      std::size_t used = 0;
      const T v = parse(text, &used);
      if (used == text.size()) return v;
    } catch (const std::exception&) {
    }
    fail("'" + text + "' is not a number");
  }

  int argc_;
  char** argv_;
  std::string program_;
  int i_ = 0;
  std::string option_;
};

}  // namespace nas::bench
