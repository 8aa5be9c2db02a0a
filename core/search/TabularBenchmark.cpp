// Strict CSV loading for tabular benchmarks (see TabularBenchmark.h for the format).
#include "search/TabularBenchmark.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/Error.h"
#include "common/InputFile.h"

namespace nas {

namespace {

std::vector<std::string_view> splitCommas(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i)
    if (i == line.size() || line[i] == ',') {
      out.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The whole field must be a finite number; from_chars is locale-free and fast.
bool parseNumber(std::string_view text, double& out) {
  if (text.empty()) return false;
  if (text.front() == '+') text.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(out);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

TabularBenchmark TabularBenchmark::load(const std::string& path, const Options& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(ErrorCode::NotFound, "benchmark table not found", path);
  if (fs::is_directory(path, ec)) throw Error(ErrorCode::IoError, "is a folder, not a CSV file", path);
  checkInputFile(path, kMaxTableBytes, "a benchmark CSV");  // no device, pipe or endless file
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::IoError, "cannot open benchmark table for reading", path);
  if (!options.space.empty() && options.space != "nb201")
    throw Error(ErrorCode::Unsupported, "unknown search space '" + options.space + "' (known: nb201)", path);

  auto fail = [&](ErrorCode code, size_t line, const std::string& why) {
    throw Error(code, "line " + std::to_string(line) + ": " + why, path);
  };

  TabularBenchmark t;
  t.path_ = path;
  t.space_ = options.space;
  if (t.space_ == "nb201") t.rowOfCell_.assign(kNb201NumCells, -1);

  std::string line;
  size_t lineNo = 0;
  // Header: first non-blank line.
  bool haveHeader = false;
  while (!haveHeader && std::getline(in, line)) {
    ++lineNo;
    if (!trim(line).empty()) haveHeader = true;
  }
  if (!haveHeader) throw Error(ErrorCode::CorruptData, "empty file: no header line", path);

  std::vector<std::string> columns;
  for (auto c : splitCommas(trim(line))) columns.emplace_back(trim(c));
  if (lineNo == 1 && !columns.empty() && columns[0].rfind("\xEF\xBB\xBF", 0) == 0) columns[0].erase(0, 3);  // BOM
  size_t archCol = columns.size();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].empty()) fail(ErrorCode::ParseError, lineNo, "column " + std::to_string(i + 1) + " has no name");
    for (size_t j = 0; j < i; ++j)
      if (columns[j] == columns[i]) fail(ErrorCode::ParseError, lineNo, "column '" + columns[i] + "' appears twice");
    if (columns[i] == options.archColumn) archCol = i;
  }
  if (archCol == columns.size())
    fail(ErrorCode::ParseError, lineNo,
         "no '" + options.archColumn + "' column for the architecture (columns: " + joined(columns) + ")");
  for (size_t i = 0; i < columns.size(); ++i)
    if (i != archCol) t.metrics_.push_back(columns[i]);
  if (t.metrics_.empty()) fail(ErrorCode::ParseError, lineNo, "no metric columns besides '" + options.archColumn + "'");

  std::unordered_map<std::string, size_t> firstLine;
  while (std::getline(in, line)) {
    ++lineNo;
    std::string_view row = trim(line);
    if (row.empty()) continue;
    auto fields = splitCommas(row);
    if (fields.size() != columns.size())
      fail(ErrorCode::ParseError, lineNo,
           "expected " + std::to_string(columns.size()) + " columns, found " + std::to_string(fields.size()));

    std::string arch(trim(fields[archCol]));
    if (arch.empty()) fail(ErrorCode::ParseError, lineNo, "empty architecture");
    int cellIndex = -1;
    if (t.space_ == "nb201") {
      try {
        Nb201Cell cell = Nb201Cell::parse(arch);
        arch = cell.toString();
        cellIndex = cell.index();
      } catch (const Error& e) {
        fail(ErrorCode::ParseError, lineNo, "architecture '" + arch + "': " + e.message());
      }
    }
    auto [it, inserted] = firstLine.emplace(arch, lineNo);
    if (!inserted)
      fail(ErrorCode::CorruptData, lineNo,
           "duplicate architecture '" + arch + "' (first on line " + std::to_string(it->second) + ")");

    for (size_t i = 0; i < fields.size(); ++i) {
      if (i == archCol) continue;
      double v = 0;
      std::string_view field = trim(fields[i]);
      if (!parseNumber(field, v))
        fail(ErrorCode::ParseError, lineNo,
             "column '" + columns[i] + "': '" + std::string(field) + "' is not a finite number");
      t.values_.push_back(v);
    }
    const size_t rowIndex = t.archs_.size();
    if (cellIndex >= 0) t.rowOfCell_[cellIndex] = static_cast<int>(rowIndex);
    t.rowOf_.emplace(arch, rowIndex);
    t.archs_.push_back(std::move(arch));
  }
  if (in.bad()) throw Error(ErrorCode::IoError, "read failed after line " + std::to_string(lineNo), path);
  if (t.archs_.empty()) throw Error(ErrorCode::CorruptData, "no data rows below the header", path);
  return t;
}

std::string TabularBenchmark::stem() const { return std::filesystem::path(path_).stem().string(); }

bool TabularBenchmark::hasMetric(const std::string& metric) const {
  for (const auto& m : metrics_)
    if (m == metric) return true;
  return false;
}

std::size_t TabularBenchmark::metricIndex(const std::string& metric) const {
  for (size_t i = 0; i < metrics_.size(); ++i)
    if (metrics_[i] == metric) return i;
  throw Error(ErrorCode::NotFound, "no metric '" + metric + "' (table has: " + joined(metrics_) + ")", path_);
}

std::vector<double> TabularBenchmark::column(const std::string& metric) const {
  const size_t m = metricIndex(metric);
  std::vector<double> out(size());
  for (size_t r = 0; r < size(); ++r) out[r] = value(r, m);
  return out;
}

std::optional<std::size_t> TabularBenchmark::find(std::string_view arch) const {
  if (space_ == "nb201") {
    // A string that is not a cell at all is simply absent from the table.
    try {
      return findCell(Nb201Cell::parse(arch));
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  auto it = rowOf_.find(std::string(arch));
  if (it == rowOf_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> TabularBenchmark::findCell(const Nb201Cell& cell) const {
  if (space_ != "nb201")
    throw Error(ErrorCode::InvalidArgument, "table was not loaded as an nb201 table", path_);
  const int row = rowOfCell_[cell.index()];
  if (row < 0) return std::nullopt;
  return static_cast<std::size_t>(row);
}

double TabularBenchmark::query(std::string_view arch, const std::string& metric) const {
  const size_t m = metricIndex(metric);
  auto row = find(arch);
  if (!row) throw Error(ErrorCode::NotFound, "architecture '" + std::string(arch) + "' is not in the table", path_);
  return value(*row, m);
}

}  // namespace nas
