// Workspace basics: path, version, transactions. The connection itself is store::Connection.
// Opening and checking a file is in WorkspaceOpen.cpp; each group of tables has its own file.
#include "store/Workspace.h"

#include "store/SqliteError.h"
#include "store/WorkspaceImpl.h"

namespace nas {

Workspace::Workspace(std::unique_ptr<Impl> impl) : d_(std::move(impl)) {}
Workspace::~Workspace() = default;

const std::string& Workspace::path() const { return d_->path; }
int Workspace::schemaVersion() const { return d_->schemaVersion; }

void Workspace::transaction(const std::function<void()>& fn) { d_->transaction(fn); }

void Workspace::setBusyTimeoutMs(int ms) { store::setBusyTimeoutMs(ms); }

}  // namespace nas
