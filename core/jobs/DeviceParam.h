#pragma once
// The `device` job parameter every method takes (issue 18), as data: one spec, so the CLI,
// the GUI form and every method offer the same choices and help. Reading it into a device is
// train/Device.h (LibTorch); this header stays torch-free for schema files.
#include "jobs/ParamSchema.h"

namespace nas {

// Choice "device", default "auto": auto | cpu | cuda | cuda:0 .. cuda:7. `note` is appended to
// the help (what the method does on that device, e.g. "Data-parallel ranks use the CPU").
ParamSpec deviceParamSpec(const std::string& note = {});

}  // namespace nas
