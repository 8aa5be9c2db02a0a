// Every format of every space's exporter against the app's own forward pass (max |diff| <=
// 1e-4): an NB201 network with weights from a train job's checkpoint, an NB201 cell with a node
// that has no input (the Mul-by-zero path), an SGNAS single path out of a supernet artifact and
// a merged RepNAS network out of a deployed artifact, and DARTS evaluation networks (every op
// kind, FactorizedReduce and strided pools in the reduction cell) out of an evaluation artifact
// and freshly initialised. ONNX: ONNX's checker and strict shape
// inference, the file read back and evaluated independently, and ONNX Runtime where it is
// installed; TorchScript: torch::jit::load; the Python module: Debian's python3 with torch.
#include <gtest/gtest.h>
#include <torch/script.h>
#include <torch/torch.h>

#include "DartsExport.h"
#include "ExportTestSupport.h"
#include "RepnasExport.h"
#include "SgnasExport.h"
#include "data/DatasetLoader.h"
#include "export/ExportService.h"
#include "export/GraphEval.h"
#include "export/format/OnnxModel.h"
#include "nn/Nb201Network.h"
#include "plugin/PluginApi.h"
#include "jobs/Method.h"
#include "train/Nb201Run.h"

namespace nas::test {
namespace {

constexpr double kTolerance = 1e-4;

// Running statistics and affine parameters away from their initial 0/1, so that a BN sliced or
// wired wrongly shows in the outputs.
void randomiseBatchNorms(torch::nn::Module& m, std::uint64_t seed) {
  torch::manual_seed(seed);
  torch::NoGradGuard ng;
  for (const auto& mod : m.modules(false))
    if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(mod.get())) {
      bn->running_mean.uniform_(-0.5, 0.5);
      bn->running_var.uniform_(0.5, 2.0);
      if (bn->options.affine()) {
        bn->weight.uniform_(0.5, 1.5);
        bn->bias.uniform_(-0.3, 0.3);
      }
    }
}

ArchId addArchWithJob(Workspace& ws, const std::string& space, const std::string& canonical, const std::string& method,
                      const Json& params, const std::string& kind, const std::string& name, const std::string& bytes) {
  const JobId job = ws.createJob(method, Json{{"method", method}, {"params", params}}.dump());
  ws.setJobStatus(job, JobStatus::Done);
  ws.putArtifact(job, kind, name, bytes);
  const ArchId id = ws.upsertArchitecture(space, canonical, 1.0, 1);
  EvaluationRecord e;
  e.archId = id;
  e.jobId = job;
  e.source = "trained";
  e.dataset = params.value("dataset", std::string("synthetic"));
  e.metric = "test_accuracy";
  e.value = 0.5;
  ws.addEvaluation(e);
  return id;
}

// Every DARTS op: in the reduction cell the stride-2 skip (FactorizedReduce), both pools and a
// dilated conv on the cell's inputs; node 5 of the normal cell has three inputs (extended form).
const char* kDartsGenotype =
    "Genotype(normal=[[('sep_conv_3x3', 0), ('skip_connect', 1)], [('dil_conv_5x5', 0), ('max_pool_3x3', 2)], "
    "[('avg_pool_3x3', 1), ('sep_conv_5x5', 3)], [('dil_conv_3x3', 2), ('skip_connect', 0), ('sep_conv_3x3', 4)]], "
    "normal_concat=[2, 3, 4, 5], reduce=[('skip_connect', 0), ('max_pool_3x3', 1), ('avg_pool_3x3', 0), "
    "('dil_conv_3x3', 1), ('sep_conv_3x3', 2), ('skip_connect', 3), ('dil_conv_5x5', 1), ('sep_conv_5x5', 4)], "
    "reduce_concat=[2, 3, 4, 5])";

struct Case {
  std::string name;
  std::function<ArchId(Workspace&)> setup;
  bool trained;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> cases() {
  return {
      {"nb201_trained",
       [](Workspace& ws) {
         const std::string arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|";
         const ImageDataset data = loadImageDataset("synthetic", "", true).head(64);
         const Nb201MacroConfig macro = nb201MacroFor(data, 4, 1);
         TrainerOptions o;
         o.batchSize = 32;
         Nb201Run run = makeNb201Run(Nb201Cell::parse(arch), macro, 5, data, o);
         run.trainer->step();  // real steps: BN statistics and weights move
         run.trainer->step();
         const Json params{{"arch", arch}, {"dataset", "synthetic"}, {"channels", 4}, {"cells", 1}, {"seed", 5}};
         return addArchWithJob(ws, "nb201", arch, "train", params, "checkpoint", "latest", run.trainer->checkpoint());
       },
       true},
      {"nb201_zero_node_initialised",
       [](Workspace& ws) {
         // Node 1 has no input (none on 0->1), node 2 gets 1->2 from it: a Mul-by-zero value.
         return ws.upsertArchitecture("nb201", "|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|none~1|avg_pool_3x3~2|", 1, 1);
       },
       false},
      {"sgnas_trained",
       [](Workspace& ws) {
         sgnas::SgnasSupernet net(sgnas::spacePreset("tiny", 4));
         randomiseBatchNorms(*net, 7);
         const std::string arch = "tiny:37x|55x|7x3";  // mixed kernels, skips, a residual layer
         return addArchWithJob(ws, "sgnas", arch, "sgnas", Json{{"dataset", "synthetic"}, {"seed", 3}}, "supernet",
                               "supernet", sgnas::supernetArtifact(net));
       },
       true},
      {"repnas_merged_trained",
       [](Workspace& ws) {
         const repnas::RepnasSpace space = repnas::buildRepnasSpace(repnas::repnasPreset("mini"), 1, 28, 10);
         repnas::RepnasArch arch;
         std::vector<repnas::BranchMask> active;
         for (int l = 0; l < space.numLayers(); ++l) {
           arch.push_back(l % 3 == 0 ? repnas::kSearchableBits
                                     : (l % 3 == 1 ? repnas::maskOf(repnas::Branch::Conv1x1) : repnas::BranchMask{0}));
           active.push_back(space.effectiveMask(l, arch.back()));
         }
         torch::manual_seed(11);
         repnas::RepnasNet net(space, active);
         randomiseBatchNorms(*net, 12);
         net->eval();
         const std::string text = repnas::repnasArchToString(arch);
         return addArchWithJob(ws, space.name(), text, "repnas", Json{{"dataset", "fashion-mnist"}, {"seed", 1}}, "model",
                               "deployed", repnas::deployedArtifact(net->deploy(active), text));
       },
       true},
      {"darts_trained",
       [](Workspace& ws) {
         // The evaluation network darts-eval trains, small (C=4, 3 cells) on 12x12 inputs, with the
         // auxiliary head (stored, not exported) and moved BN statistics.
         const auto cells = entrannas::parseGenotypeText(entrannas::SpaceKind::Darts, kDartsGenotype);
         entrannas::NetConfig c;
         c.channels = 4;
         c.layers = 3;
         c.inputChannels = 3;
         c.classes = 5;
         c.ops.affine = true;
         c.ops.poolBn = false;
         c.auxiliary = true;
         torch::manual_seed(21);
         entrannas::CellNetwork net(c, &cells);
         randomiseBatchNorms(*net, 22);
         const std::string canonical = entrannas::genotypeText(entrannas::SpaceKind::Darts, cells);
         return addArchWithJob(ws, "darts", canonical, "darts-eval", Json{{"dataset", "synthetic"}, {"seed", 4}},
                               entrannas::kEvaluationArtifactKind, entrannas::kEvaluationArtifactName,
                               entrannas::evaluationArtifact(net, cells, 12, 12, "synthetic", 4, 1));
       },
       true},
      {"darts_initialised",
       [](Workspace& ws) {  // no job: darts-eval's default network (C=16, 8 cells, 1x28x28)
         const auto cells = entrannas::parseGenotypeText(entrannas::SpaceKind::Darts, dartsV2Genotype().toString());
         return ws.upsertArchitecture("darts", entrannas::genotypeText(entrannas::SpaceKind::Darts, cells), 1, 1);
       },
       false},
  };
}

class ExportFormats : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    ws_ = Workspace::open(dir_ / "w.db");
    id_ = GetParam().setup(*ws_);
    arch_ = ws_->architecture(id_);
    const ExportableNetwork net = testExporters().forSpace(arch_.space).build(*ws_, arch_, 0);
    shape_ = net.graph.inputShape;
    classes_ = net.graph.classes;
    torch::manual_seed(99);
    std::vector<std::int64_t> s{3};  // a batch the self-check (2) does not use: the batch is dynamic
    s.insert(s.end(), shape_.begin(), shape_.end());
    x_ = torch::randn(s);
    reference_ = net.forward(x_);
  }

  ExportResult exportAs(ExportFormat f, const std::string& file) {
    ExportRequest r;
    r.format = f;
    r.out = dir_ / file;
    ExportResult res = exportArchitecture(testExporters(), *ws_, arch_, r);
    EXPECT_EQ(res.trainedWeights, GetParam().trained) << res.weights;
    EXPECT_TRUE(res.maxAbsDiff.has_value());
    EXPECT_LE(res.maxAbsDiff.value_or(1), kTolerance);
    return res;
  }

  double diff(const torch::Tensor& got) const {
    EXPECT_TRUE(got.defined());
    if (!got.defined()) return 1e9;
    EXPECT_EQ(got.sizes(), reference_.sizes());
    return (got - reference_).abs().max().item<double>();
  }

  TempDir dir_;
  std::unique_ptr<Workspace> ws_;
  ArchId id_ = 0;
  ArchitectureRecord arch_;
  std::vector<std::int64_t> shape_;
  std::int64_t classes_ = 0;
  torch::Tensor x_, reference_;
};

TEST_P(ExportFormats, OnnxPassesTheCheckerAndItsGraphComputesTheAppsOutputs) {
  const ExportResult r = exportAs(ExportFormat::Onnx, "net.onnx");
  const std::string bytes = readFileText(r.path);
  const OnnxSummary s = checkOnnx(bytes);  // check_model + strict shape inference
  EXPECT_EQ(s.opset, kOnnxOpset);
  EXPECT_EQ(s.inputs, std::vector<std::string>{"input"});
  EXPECT_EQ(s.outputs, std::vector<std::string>{"logits"});
  EXPECT_EQ(s.inputDims, (std::vector<std::string>{"batch", std::to_string(shape_[0]), std::to_string(shape_[1]),
                                                   std::to_string(shape_[2])}));
  EXPECT_EQ(s.outputDims, (std::vector<std::string>{"batch", std::to_string(classes_)}));
  // Independent of the writer: the bytes parsed back and run operator by operator.
  EXPECT_LE(diff(evaluateGraph(onnxToGraph(bytes), x_)), kTolerance);
}

TEST_P(ExportFormats, OnnxGraphCheckNoticesAWrongWeight) {
  const ExportResult r = exportAs(ExportFormat::Onnx, "net.onnx");
  ExportGraph g = onnxToGraph(readFileText(r.path));
  for (auto& w : g.weights)
    if (w.name == "classifier.bias" || w.name == "fc.bias") w.values[0] += 1.0f;
  EXPECT_GT(diff(evaluateGraph(g, x_)), 1e-3);  // the check above can fail
}

TEST_P(ExportFormats, OnnxRuntimeComputesTheAppsOutputs) {
  const ExportResult r = exportAs(ExportFormat::Onnx, "net.onnx");
  std::string why, log;
  const std::string ort = onnxRuntimeNode(why);
  if (ort.empty()) GTEST_SKIP() << "ONNX Runtime check skipped: " << why << " (the checker and the independent graph "
                                << "evaluation above still ran)";
  EXPECT_LE(diff(onnxRuntimeForward(ort, r.path, x_, classes_, log)), kTolerance) << log;
}

TEST_P(ExportFormats, TorchScriptComputesTheAppsOutputs) {
  const ExportResult r = exportAs(ExportFormat::TorchScript, "net.pt");
  torch::jit::Module m = torch::jit::load(r.path);
  m.eval();
  torch::NoGradGuard ng;
  EXPECT_LE(diff(m.forward({x_}).toTensor()), kTolerance);
}

TEST_P(ExportFormats, PythonModuleComputesTheAppsOutputsWithPlainPyTorch) {
  const ExportResult r = exportAs(ExportFormat::PyTorch, "net.py");
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_TRUE(fs::exists(dir_ / "net.pt"));
  const std::string missing = pythonTorchMissing();
  if (!missing.empty()) GTEST_SKIP() << missing;
  std::string log;
  EXPECT_LE(diff(pythonForward(r.path, x_, classes_, log)), kTolerance) << log;
}

INSTANTIATE_TEST_SUITE_P(Spaces, ExportFormats, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

// Exporters belong to an engine: one per window loads a plugin once per engine, each into its
// own registry. Within one registry a second exporter under a taken name is refused.
TEST(ExporterRegistry, EachEngineHasItsOwnAndAClashIsRefused) {
  MethodRegistry methods;
  ExporterRegistry first, second;
  for (ExporterRegistry* exporters : {&first, &second}) {
    PluginHost host(Registries{methods, nullptr, nullptr, exporters}, "sgnas");
    host.addExporter(sgnas::makeSgnasExporter());
    EXPECT_EQ(host.stagedCount(), 1u);
    host.commit();
    EXPECT_EQ(exporters->forSpace("sgnas").name(), "sgnas");
  }
  struct Impostor final : NetworkExporter {
    std::string name() const override { return "sgnas"; }
    bool handles(const std::string&) const override { return false; }
    Json encoding(const std::string&, const std::string&) const override { return nullptr; }
    ExportableNetwork build(const Workspace&, const ArchitectureRecord&, std::uint64_t) const override { return {}; }
  };
  PluginHost other(Registries{methods, nullptr, nullptr, &first}, "impostor");
  EXPECT_THROW(other.addExporter(std::make_unique<Impostor>()), Error);
  EXPECT_THROW(first.add(std::make_unique<Impostor>()), Error);
  EXPECT_EQ(first.names(), (std::vector<std::string>{"nb201", "sgnas"}));
  EXPECT_THROW(ExporterRegistry().forSpace("sgnas"), Error);  // a plugin may be missing
}

// RepNAS ships the merged form: the exported network must equal the multi-branch network it
// was folded from (not only the deployed module it was built from).
TEST(RepnasExport, MergedExportEqualsTheMultiBranchNetwork) {
  const repnas::RepnasSpace space = repnas::buildRepnasSpace(repnas::repnasPreset("mini"), 1, 28, 10);
  std::vector<repnas::BranchMask> active;
  for (int l = 0; l < space.numLayers(); ++l) active.push_back(space.fullMask(l));
  torch::manual_seed(3);
  repnas::RepnasNet net(space, active);
  randomiseBatchNorms(*net, 4);
  net->eval();
  auto deployed = net->deploy(active);
  const ExportGraph g = repnas::repnasDeployedGraph(deployed, Json::object());
  const torch::Tensor x = torch::randn({2, 1, 28, 28});
  torch::NoGradGuard ng;
  EXPECT_LE((evaluateGraph(onnxToGraph(graphToOnnx(g)), x) - net->forward(x, active)).abs().max().item<double>(), 1e-4);
}

}  // namespace
}  // namespace nas::test
