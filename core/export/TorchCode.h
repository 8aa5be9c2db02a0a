#pragma once
// The PyTorch forms of an export graph, from one piece of generated code:
//  - a standalone Python module (one .py file, plain PyTorch, no NAS Studio): class Net with
//    the weights as parameters/buffers named after the app's modules, a forward that spells the
//    graph with torch functions, and load() for the weights file next to it;
//  - the weights file: a state dict pickled with torch::pickle_save, which Python's torch.load
//    reads;
//  - a TorchScript module (torch.jit.load / torch::jit::load) whose forward is compiled from the
//    very same forward text, with the weights as its parameters and buffers.
// The forward uses torch functions that eager PyTorch and TorchScript both resolve (torch.conv2d,
// torch.batch_norm, ...), so the self-check of the TorchScript file also checks the Python
// module's forward, except one spelling: average pooling is torch.nn.functional.avg_pool2d in
// the .py and the builtin torch.avg_pool2d in TorchScript compiled from C++ (no Python there to
// resolve torch.nn.functional). BN follows self.training, so the module retrains.
#include <torch/csrc/jit/api/module.h>

#include <string>

#include "export/format/ExportGraph.h"

namespace nas {

// The Python identifier of a weight ("layer0.conv.weight" -> "layer0_conv_weight").
std::string pythonName(const std::string& weightName);
// "    def forward(self, x):\n        ...": the method text, indented for a class body, for the
// .py file (python = true) or TorchScript compiled from C++.
std::string forwardSource(const ExportGraph& graph, bool python);
// The whole .py file; `weightsFile` is the weights file's name, looked up next to the .py.
std::string pythonModuleSource(const ExportGraph& graph, const std::string& weightsFile);
// The state dict (Python names -> tensors) as torch.load-able bytes.
std::string pickledStateDict(const ExportGraph& graph);
// Reads such bytes back (for the self-check): name -> tensor.
std::vector<std::pair<std::string, torch::Tensor>> unpickleStateDict(const std::string& bytes);
// The TorchScript module of the graph, with `state` (Python names -> tensors) as its weights;
// state empty: the graph's own weights.
torch::jit::Module torchScriptModule(const ExportGraph& graph,
                                     const std::vector<std::pair<std::string, torch::Tensor>>& state = {});

}  // namespace nas
