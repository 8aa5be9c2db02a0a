#include "app/Resources.h"

#include <QtGlobal>

// Q_INIT_RESOURCE declares a function and must be used outside any namespace.
static void initNasStudioResources() { Q_INIT_RESOURCE(nasstudio); }

namespace nas::ui {

void initResources() {
  static const bool done = [] {
    initNasStudioResources();
    return true;
  }();
  (void)done;
}

}  // namespace nas::ui
