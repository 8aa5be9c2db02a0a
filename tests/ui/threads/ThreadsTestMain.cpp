// main() of test_ui_threads: a QCoreApplication, whose event loop the tests spin while the
// watcher's and the loaders' threads deliver queued signals to it. No widgets, no platform.
#include <gtest/gtest.h>

#include <QCoreApplication>

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
