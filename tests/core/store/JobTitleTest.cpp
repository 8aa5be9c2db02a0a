// jobTitle: the name a list or a legend gives a job.
#include <gtest/gtest.h>

#include "store/Records.h"

namespace nas {
namespace {

JobRecord job(const std::string& method, const std::string& spec) {
  JobRecord r;
  r.method = method;
  r.specJson = spec;
  return r;
}

TEST(JobTitle, NamesTheStrategyAndSourceThatTellJobsOfOneMethodApart) {
  EXPECT_EQ("tabular-search (random)",
            jobTitle(job("tabular-search", R"({"method":"tabular-search","params":{"strategy":"random","seeds":20}})")));
  EXPECT_EQ("agnet (evolution, supernet)",
            jobTitle(job("agnet", R"({"params":{"strategy":"evolution","source":"supernet"}})")));
  // A value that repeats the method name says nothing.
  EXPECT_EQ("agnet (table)", jobTitle(job("agnet", R"({"params":{"strategy":"agnet","source":"table"}})")));
}

TEST(JobTitle, UsesTheTitleParametersTheMethodDeclaredInTheSpec) {
  EXPECT_EQ("repnas (repvgg)",
            jobTitle(job("repnas", R"({"params":{"branch_set":"repvgg","strategy":"x"},"title_params":["branch_set"]})")));
  EXPECT_EQ("any (a, 3)", jobTitle(job("any", R"({"params":{"p":"a","q":"3"},"title_params":["p",7,"q","absent"]})")));
  EXPECT_EQ("train", jobTitle(job("train", R"({"params":{"strategy":"s"},"title_params":[]})")));
}

TEST(JobTitle, FallsBackToTheMethodForSpecsWithoutAVariant) {
  EXPECT_EQ("sgnas", jobTitle(job("sgnas", R"({"params":{"seed":1}})")));
  EXPECT_EQ("train", jobTitle(job("train", R"({"params":{"strategy":42}})")));  // not a string
  EXPECT_EQ("train", jobTitle(job("train", "{not json")));
  EXPECT_EQ("train", jobTitle(job("train", "")));
}

}  // namespace
}  // namespace nas
