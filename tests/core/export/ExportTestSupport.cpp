#include "ExportTestSupport.h"

#include <cstdio>

#include "DartsExport.h"
#include "RepnasExport.h"
#include "SgnasExport.h"

namespace nas::test {

const ExporterRegistry& testExporters() {
  static const ExporterRegistry exporters = [] {
    ExporterRegistry r;
    r.add(sgnas::makeSgnasExporter());
    r.add(repnas::makeRepnasExporter());
    r.add(entrannas::makeDartsExporter());
    return r;
  }();
  return exporters;
}

std::string readFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeRaw(const std::string& path, const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kFloat).contiguous();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(c.data_ptr<float>()), static_cast<std::streamsize>(c.numel() * 4));
}

torch::Tensor readRaw(const std::string& path, std::vector<std::int64_t> shape) {
  const std::string bytes = readFileText(path);
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  if (static_cast<std::int64_t>(bytes.size()) != n * 4) return {};
  return torch::from_blob(const_cast<char*>(bytes.data()), shape, torch::kFloat).clone();
}

int runCommand(const std::string& cmd, std::string& out) {
  FILE* pipe = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string pythonTorchMissing() {
  std::string out;
  if (!fs::exists("/usr/bin/python3")) return "/usr/bin/python3 is missing (Debian package python3)";
  if (runCommand("/usr/bin/python3 -c 'import torch, numpy'", out) != 0)
    return "Debian's python3 cannot import torch and numpy (packages python3-torch, python3-numpy): " + out;
  return {};
}

std::string onnxRuntimeNode(std::string& why) {
  std::string out;
  if (runCommand("command -v node", out) != 0) {
    why = "Node.js ('node') is not on the PATH";
    return {};
  }
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("NASSTUDIO_ORT_NODE")) candidates.push_back(env);
  candidates.push_back(std::string(NAS_BINARY_DIR) + "/onnxruntime-node/node_modules/onnxruntime-node");
  for (const auto& c : candidates)
    if (fs::exists(fs::path(c) / "package.json")) return c;
  why = "the npm package onnxruntime-node is not installed (looked in $NASSTUDIO_ORT_NODE and " + candidates.back() +
        "; install it with `npm install --ignore-scripts --prefix build/onnxruntime-node onnxruntime-node`)";
  return {};
}

torch::Tensor appForward(const Workspace& ws, ArchId id, const torch::Tensor& x) {
  const ArchitectureRecord arch = ws.architecture(id);
  return testExporters().forSpace(arch.space).build(ws, arch, 0).forward(x);
}

torch::Tensor pythonForward(const std::string& pyFile, const torch::Tensor& x, std::int64_t classes, std::string& log) {
  const std::string dir = fs::path(pyFile).parent_path().string();
  const std::string script = dir + "/check_module.py", in = dir + "/py_in.bin", outFile = dir + "/py_out.bin";
  std::ofstream(script) << R"(import importlib.util, sys
import numpy as np
import torch
spec = importlib.util.spec_from_file_location("exported_net", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
net = m.load()
x = torch.from_numpy(np.fromfile(sys.argv[2], dtype=np.float32)).reshape(-1, *m.INPUT_SHAPE)
with torch.no_grad():
    y = net(x)
assert y.shape == (x.shape[0], m.CLASSES), y.shape
y.numpy().astype(np.float32).tofile(sys.argv[3])
# The module is for people's own training: gradients reach every parameter in train mode.
net.train()
net(x).sum().backward()
missing = [n for n, p in net.named_parameters() if p.grad is None]
assert not missing, missing
print("ok", tuple(y.shape))
)";
  writeRaw(in, x);
  if (runCommand("/usr/bin/python3 " + script + " " + pyFile + " " + in + " " + outFile, log) != 0) return {};
  return readRaw(outFile, {x.size(0), classes});
}

torch::Tensor onnxRuntimeForward(const std::string& ortModule, const std::string& onnxFile, const torch::Tensor& x,
                                 std::int64_t classes, std::string& log) {
  const std::string dir = fs::path(onnxFile).parent_path().string();
  const std::string script = dir + "/check_onnx.js", in = dir + "/ort_in.bin", outFile = dir + "/ort_out.bin";
  std::ofstream(script) << R"(const ort = require(process.argv[2]);
const fs = require('fs');
(async () => {
  const [model, xin, dims, yout] = process.argv.slice(3);
  const b = fs.readFileSync(xin);
  const x = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  const s = await ort.InferenceSession.create(model);
  if (s.inputNames[0] !== 'input' || s.outputNames[0] !== 'logits') throw new Error('names ' + s.inputNames + ' ' + s.outputNames);
  const out = await s.run({input: new ort.Tensor('float32', x, JSON.parse(dims))});
  fs.writeFileSync(yout, Buffer.from(out.logits.data.buffer));
  console.log('ok', out.logits.dims);
})().catch(e => { console.error(e); process.exit(1); });
)";
  writeRaw(in, x);
  std::string dims = "[";
  for (std::int64_t i = 0; i < x.dim(); ++i) dims += (i ? "," : "") + std::to_string(x.size(i));
  dims += "]";
  if (runCommand("node " + script + " " + ortModule + " " + onnxFile + " " + in + " '" + dims + "' " + outFile, log) != 0)
    return {};
  return readRaw(outFile, {x.size(0), classes});
}

}  // namespace nas::test
