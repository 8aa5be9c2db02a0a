#pragma once
// The icons of the front end are compiled into the static nasui library; a static library's
// resources must be registered explicitly before use (Q_INIT_RESOURCE).

namespace nas::ui {
void initResources();  // idempotent
}
