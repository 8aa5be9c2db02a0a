// Files that are not usable workspaces are refused with a clear code and left byte for
// byte as they were (no -wal/-shm debris either).
#include <gtest/gtest.h>

#include <random>
#include <utility>
#include <vector>

#include "StoreTestUtil.h"
#include "store/Workspace.h"

namespace nas {
namespace {

using testing::expectError;
using testing::readBytes;
using testing::TempDir;
using testing::writeBytes;

// Expects open() to fail with `code`, the message naming the path, and the file unchanged.
void expectRefused(const std::string& path, ErrorCode code, const std::string& messagePart,
                   Workspace::Mode mode = Workspace::Mode::ReadWrite) {
  const std::string before = readBytes(path);
  auto e = expectError(code, [&] { Workspace::open(path, mode); });
  EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find(messagePart), std::string::npos) << e.what();
  EXPECT_EQ(before, readBytes(path)) << "refused file was modified";
  EXPECT_FALSE(std::filesystem::exists(path + "-journal"));
}

// A closed workspace with some data, its WAL folded into the main file.
std::string makeWorkspace(const TempDir& tmp, const std::string& name) {
  const std::string path = tmp.file(name);
  auto ws = Workspace::open(path);
  ws->transaction([&] {
    JobId job = ws->createJob("train", "{}");
    for (int i = 0; i < 2000; ++i) {
      ArchId a = ws->upsertArchitecture("nb201", "arch-" + std::to_string(i), i, i);
      ws->addEvaluation({0, a, job, "tabular", "cifar10", "test_accuracy", i * 0.01, 0});
    }
  });
  return path;
}

TEST(WorkspaceRefuse, RandomBytesAreCorrupt) {
  TempDir tmp;
  const std::string path = tmp.file("garbage.nasws");
  std::mt19937 rng(42);
  std::string bytes(64 * 1024, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  writeBytes(path, bytes);
  expectRefused(path, ErrorCode::WorkspaceCorrupt, "not a database");
  expectRefused(path, ErrorCode::WorkspaceCorrupt, "not a database", Workspace::Mode::ReadOnly);
}

TEST(WorkspaceRefuse, ShortFileIsCorrupt) {
  TempDir tmp;
  const std::string path = tmp.file("short.nasws");
  writeBytes(path, "SQLite format 3");
  expectRefused(path, ErrorCode::WorkspaceCorrupt, "not a database");
}

TEST(WorkspaceRefuse, TruncatedWorkspaceIsCorrupt) {
  TempDir tmp;
  const std::string full = readBytes(makeWorkspace(tmp, "ws.nasws"));
  ASSERT_GT(full.size(), 8192u);
  for (std::size_t keep : {full.size() / 2, std::size_t(4096), std::size_t(50)}) {
    const std::string path = tmp.file("truncated-" + std::to_string(keep) + ".nasws");
    writeBytes(path, full.substr(0, keep));
    expectRefused(path, ErrorCode::WorkspaceCorrupt, keep < 100 ? "not a database" : "truncated");
  }
}

TEST(WorkspaceRefuse, DamagedPagesAreReportedAsCorruptWhenRead) {
  // No full check on open (it would read every checkpoint BLOB); damage inside the file
  // surfaces as WorkspaceCorrupt from the query that meets it.
  TempDir tmp;
  const std::string path = makeWorkspace(tmp, "ws.nasws");
  std::string bytes = readBytes(path);
  const std::size_t pageSize = 4096;
  ASSERT_GT(bytes.size(), 6 * pageSize);
  for (std::size_t i = pageSize; i < bytes.size(); ++i) bytes[i] = static_cast<char>(0xA5);  // all but page 1
  writeBytes(path, bytes);
  expectError(ErrorCode::WorkspaceCorrupt, [&] {
    auto ws = Workspace::open(path);
    ws->architectureCount();
    ws->archMetricRows("test_accuracy");
  });
}

// A small database written by another program (sqlite3 shell: page_size 512,
// CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); one row), as (offset, hex) runs of
// its non-zero bytes.
std::string otherApplicationDatabase() {
  const std::vector<std::pair<std::size_t, const char*>> runs = {
      {0, "53514c69746520666f726d61742033000200010100402020"},
      {27, "02"},
      {31, "02"},
      {43, "01"},
      {47, "04"},
      {59, "01"},
      {95, "02002e63010d"},
      {104, "0101b30001b3"},
      {435, "4b010617171701777461626c656e6f7465736e6f74657302435245415445205441424c45206e6f74657328696420494e5445"
            "474552205052494d415259204b45592c20626f64792054455854290d"},
      {516, "0101f60001f6"},
      {1014, "080103001768656c6c6f"},
  };
  std::string bytes(1024, '\0');
  for (const auto& [offset, hex] : runs)
    for (std::size_t i = 0; hex[2 * i]; ++i) bytes[offset + i] = static_cast<char>(std::stoi(std::string(hex + 2 * i, 2), nullptr, 16));
  return bytes;
}

TEST(WorkspaceRefuse, OtherApplicationsDatabaseIsNotAWorkspace) {
  TempDir tmp;
  const std::string path = tmp.file("notes.db");
  writeBytes(path, otherApplicationDatabase());
  expectRefused(path, ErrorCode::WorkspaceCorrupt, "not a NAS Studio workspace");
  expectRefused(path, ErrorCode::WorkspaceCorrupt, "not a NAS Studio workspace", Workspace::Mode::ReadOnly);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST(WorkspaceRefuse, NewerSchemaIsTooNew) {
  TempDir tmp;
  const std::string path = makeWorkspace(tmp, "ws.nasws");
  // user_version is the big-endian int at offset 60 of the header; set it to 99 as a newer
  // NAS Studio would have.
  std::string bytes = readBytes(path);
  bytes[60] = bytes[61] = bytes[62] = 0;
  bytes[63] = 99;
  writeBytes(path, bytes);
  expectRefused(path, ErrorCode::WorkspaceTooNew, "schema 99, this build reads up to " + std::to_string(Workspace::kSchemaVersion));
  // The WAL was empty: closing removed the -wal/-shm files SQLite made for reading.
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(path + "-shm"));
  expectRefused(path, ErrorCode::WorkspaceTooNew, "newer NAS Studio", Workspace::Mode::ReadOnly);
}

}  // namespace
}  // namespace nas
