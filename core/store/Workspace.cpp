// Workspace basics: path, version, transactions. The connection itself is store::Connection.
// Opening and checking a file is in WorkspaceOpen.cpp; each group of tables has its own file.
#include "store/Workspace.h"

#include <algorithm>
#include <chrono>

#include "store/SqliteError.h"
#include "store/WorkspaceImpl.h"

namespace nas {

Workspace::Workspace(std::unique_ptr<Impl> impl) : d_(std::move(impl)) {}
Workspace::~Workspace() = default;

const std::string& Workspace::path() const { return d_->path; }
int Workspace::schemaVersion() const { return d_->schemaVersion; }

void Workspace::transaction(const std::function<void()>& fn) { d_->transaction(fn); }

double Workspace::writeLockHeldSeconds() const {
  const std::int64_t since = d_->writeSinceNs.load();
  if (since == 0) return 0.0;
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  return std::max<std::int64_t>(0, now - since) / 1e9;
}

void Workspace::setBusyTimeoutMs(int ms) { store::setBusyTimeoutMs(ms); }

}  // namespace nas
