#pragma once
// Workspace::Impl is a store::Connection; shared by the Workspace*.cpp files (one per group
// of tables). Private to the store.

#include "store/Connection.h"
#include "store/Workspace.h"

namespace nas {

struct Workspace::Impl : store::Connection {
  using store::Connection::Connection;
};

}  // namespace nas
