// File names built from workspace data never leave their folder (issue 19, security): the
// export dialog's "to a folder" names a file after the architecture's id and space, and the
// space string comes from the workspace, which may be a merged or hostile one.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "export/ExportService.h"

using namespace nas;
namespace fs = std::filesystem;

TEST(ExportFileName, StaysInItsFolderWhateverTheSpaceSays) {
  const fs::path folder = "/tmp/exports";
  const std::vector<std::string> spaces = {"nb201", "sgnas:tiny", "../../etc/cron.d/x", "/etc/passwd", "a/../../b", "..", "a\\b", std::string("x\0y", 3),
        std::string(5000, '/'), "\xff\xfe", "C:\\Windows"};
  for (const std::string& space : spaces) {
    ArchitectureRecord arch;
    arch.id = 7;
    arch.space = space;
    const fs::path p = exportFileName(folder.string(), arch, ExportFormat::Onnx);
    EXPECT_EQ(p.parent_path(), folder) << space;
    EXPECT_EQ(p.lexically_normal().parent_path(), folder) << space;
    EXPECT_LT(p.filename().string().size(), 100u) << space;
    EXPECT_EQ(p.filename().string().rfind("arch7-", 0), 0u) << p;
  }
  ArchitectureRecord plain;
  plain.id = 3;
  plain.space = "sgnas:tiny";
  EXPECT_EQ(fs::path(exportFileName("/x", plain, ExportFormat::Json)).filename(), "arch3-sgnas-tiny.json");
}
