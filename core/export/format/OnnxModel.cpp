// ExportGraph <-> ONNX ModelProto. The writer and the reader are separate code paths on
// purpose: the reader feeds the independent evaluation (GraphEval.h) of what was written.
#include "export/format/OnnxModel.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <cstring>
#include <limits>
#include <set>

#include "common/BuildInfo.h"
#include "common/Error.h"

namespace nas {
namespace {

constexpr const char* kCtx = "ONNX model";

onnx::TensorProto tensorProto(const std::string& name, const std::vector<std::int64_t>& shape,
                              const std::vector<float>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : shape) t.add_dims(d);
  t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
  return t;
}

onnx::TensorProto int64Proto(const std::string& name, const std::vector<std::int64_t>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::INT64);
  t.add_dims(static_cast<std::int64_t>(values.size()));
  t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(std::int64_t)));
  return t;
}

void setShape(onnx::ValueInfoProto* v, const std::string& name, const std::vector<std::int64_t>& dims) {
  v->set_name(name);
  auto* tensor = v->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = tensor->mutable_shape();
  shape->add_dim()->set_dim_param("batch");  // dynamic batch
  for (auto d : dims) shape->add_dim()->set_dim_value(d);
}

void intsAttr(onnx::NodeProto* n, const std::string& name, const std::vector<std::int64_t>& values) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto v : values) a->add_ints(v);
}

void intAttr(onnx::NodeProto* n, const std::string& name, std::int64_t value) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

void floatAttr(onnx::NodeProto* n, const std::string& name, float value) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

// ExportGraph keeps one value per side pair; ONNX wants begin and end of each axis.
std::vector<std::int64_t> fourPads(const std::vector<std::int64_t>& p) {
  const std::int64_t h = p.empty() ? 0 : p[0], w = p.size() > 1 ? p[1] : h;
  return {h, w, h, w};
}

std::string dimText(const onnx::TensorShapeProto_Dimension& d) {
  if (d.has_dim_param()) return d.dim_param();
  if (d.has_dim_value()) return std::to_string(d.dim_value());
  return "?";
}

std::vector<std::string> dimsOf(const onnx::ValueInfoProto& v) {
  std::vector<std::string> out;
  for (const auto& d : v.type().tensor_type().shape().dim()) out.push_back(dimText(d));
  return out;
}

void runChecks(const onnx::ModelProto& model) {
  try {
    onnx::checker::check_model(model);
    onnx::ModelProto copy = model;
    onnx::shape_inference::InferShapes(copy, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict=*/1));
  } catch (const std::exception& e) {
    throw Error(ErrorCode::InvalidArgument, std::string("rejected by ONNX's checker: ") + e.what(), kCtx);
  }
}

std::vector<std::int64_t> int64sOf(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::INT64)
    throw Error(ErrorCode::CorruptData, "initializer '" + t.name() + "' is not int64", kCtx);
  std::int64_t n = 1;
  for (auto d : t.dims()) n *= d;
  std::vector<std::int64_t> v(static_cast<size_t>(n));
  if (t.has_raw_data()) {
    if (t.raw_data().size() != v.size() * sizeof(std::int64_t))
      throw Error(ErrorCode::CorruptData, "initializer '" + t.name() + "' has the wrong byte count", kCtx);
    std::memcpy(v.data(), t.raw_data().data(), t.raw_data().size());
  } else {
    if (t.int64_data_size() != n) throw Error(ErrorCode::CorruptData, "initializer '" + t.name() + "' is short", kCtx);
    for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = t.int64_data(i);
  }
  return v;
}

std::vector<float> floatsOf(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::FLOAT)
    throw Error(ErrorCode::CorruptData, "initializer '" + t.name() + "' is not float32", kCtx);
  std::int64_t n = 1;
  for (auto d : t.dims()) n *= d;
  std::vector<float> v(static_cast<size_t>(n));
  if (t.has_raw_data()) {
    if (t.raw_data().size() != v.size() * sizeof(float))
      throw Error(ErrorCode::CorruptData, "initializer '" + t.name() + "' has the wrong byte count", kCtx);
    std::memcpy(v.data(), t.raw_data().data(), t.raw_data().size());
  } else {
    if (t.float_data_size() != n) throw Error(ErrorCode::CorruptData, "initializer '" + t.name() + "' is short", kCtx);
    for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = t.float_data(i);
  }
  return v;
}

}  // namespace

std::string graphToOnnx(const ExportGraph& graph) {
  graph.validate();
  onnx::ModelProto model;
  model.set_ir_version(onnx::IR_VERSION);
  model.set_producer_name("NAS Studio");
  model.set_producer_version(kVersion);
  model.set_model_version(1);
  model.set_doc_string("Exported by NAS Studio: " + graph.metadata.dump());
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  for (const auto& [key, value] : graph.metadata.items()) {
    auto* p = model.add_metadata_props();
    p->set_key(key);
    p->set_value(value.is_string() ? value.get<std::string>() : value.dump());
  }

  onnx::GraphProto* g = model.mutable_graph();
  g->set_name(graph.name);
  setShape(g->add_input(), graph.input, graph.inputShape);
  setShape(g->add_output(), graph.output, {graph.classes});
  for (const auto& w : graph.weights) *g->add_initializer() = tensorProto(w.name, w.shape, w.values);

  std::set<std::string> names;
  for (const auto& w : graph.weights) names.insert(w.name);
  auto scalar = [&](const std::string& base, float value) {
    std::string name = base;
    for (int k = 2; names.count(name); ++k) name = base + "_" + std::to_string(k);
    names.insert(name);
    *g->add_initializer() = tensorProto(name, {}, {value});
    return name;
  };

  int index = 0;
  for (const auto& n : graph.nodes) {
    onnx::NodeProto* p = g->add_node();
    p->set_op_type(n.op);
    p->set_name(n.op + "_" + std::to_string(index++));
    for (const auto& in : n.inputs) p->add_input(in);
    p->add_output(n.output);
    if (n.op == "Conv") {
      const ExportWeight* w = graph.findWeight(n.inputs.at(1));
      intsAttr(p, "kernel_shape", {w->shape.at(2), w->shape.at(3)});
      intsAttr(p, "strides", n.ints.at("strides"));
      intsAttr(p, "pads", fourPads(n.ints.at("pads")));
      const auto d = n.ints.count("dilations") ? n.ints.at("dilations") : std::vector<std::int64_t>{1, 1};
      intsAttr(p, "dilations", d.size() == 1 ? std::vector<std::int64_t>{d[0], d[0]} : d);
      intAttr(p, "group", n.intAttr("group", 1));
    } else if (n.op == "BatchNormalization") {
      floatAttr(p, "epsilon", n.floatAttr("epsilon", 1e-5f));
    } else if (n.op == "Clip") {  // opset 11+: min and max are inputs
      p->add_input(scalar(n.output + "_min", n.floatAttr("min", 0)));
      p->add_input(scalar(n.output + "_max", n.floatAttr("max", 0)));
    } else if (n.op == "AveragePool") {
      intsAttr(p, "kernel_shape", n.ints.at("kernel_shape"));
      intsAttr(p, "strides", n.ints.at("strides"));
      intsAttr(p, "pads", fourPads(n.ints.at("pads")));
      intAttr(p, "count_include_pad", n.intAttr("count_include_pad", 0));
    } else if (n.op == "MaxPool") {
      intsAttr(p, "kernel_shape", n.ints.at("kernel_shape"));
      intsAttr(p, "strides", n.ints.at("strides"));
      intsAttr(p, "pads", fourPads(n.ints.at("pads")));
    } else if (n.op == "Slice") {  // opset 10+: starts, ends, axes are int64 inputs
      const auto& axes = n.ints.at("axes");
      const std::vector<std::int64_t> ends(axes.size(), std::numeric_limits<std::int64_t>::max());
      for (const auto& [suffix, values] :
           {std::pair<const char*, std::vector<std::int64_t>>{"_starts", n.ints.at("starts")}, {"_ends", ends},
            {"_axes", axes}}) {
        std::string name = n.output + suffix;
        for (int k = 2; names.count(name); ++k) name = n.output + suffix + "_" + std::to_string(k);
        names.insert(name);
        *g->add_initializer() = int64Proto(name, values);
        p->add_input(name);
      }
    } else if (n.op == "Flatten" || n.op == "Concat") {
      intAttr(p, "axis", n.intAttr("axis", 1));
    } else if (n.op == "Gemm") {
      intAttr(p, "transB", 1);
    } else if (n.op == "Dropout") {
      p->add_input(scalar(n.output + "_ratio", n.floatAttr("ratio", 0.5f)));
    }
  }
  runChecks(model);
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw Error(ErrorCode::InvalidArgument, "cannot serialise", kCtx);
  return bytes;
}

ExportGraph onnxToGraph(const std::string& bytes) {
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes)) throw Error(ErrorCode::CorruptData, "not a serialised ONNX model", kCtx);
  const onnx::GraphProto& g = model.graph();
  if (g.input_size() != 1 || g.output_size() != 1)
    throw Error(ErrorCode::CorruptData, "expected one input and one output", kCtx);
  ExportGraph out;
  out.name = g.name();
  out.input = g.input(0).name();
  out.output = g.output(0).name();
  const auto& dims = g.input(0).type().tensor_type().shape().dim();
  for (int i = 1; i < dims.size(); ++i) out.inputShape.push_back(dims[i].dim_value());
  const auto& odims = g.output(0).type().tensor_type().shape().dim();
  if (odims.size() == 2) out.classes = odims[1].dim_value();
  for (const auto& p : model.metadata_props()) out.metadata[p.key()] = p.value();

  std::map<std::string, const onnx::TensorProto*> inits;
  for (const auto& t : g.initializer()) inits[t.name()] = &t;
  auto scalarOf = [&](const std::string& name) {
    auto it = inits.find(name);
    if (it == inits.end()) throw Error(ErrorCode::CorruptData, "no initializer '" + name + "'", kCtx);
    const auto v = floatsOf(*it->second);
    if (v.size() != 1) throw Error(ErrorCode::CorruptData, "'" + name + "' is not a scalar", kCtx);
    return v[0];
  };
  std::set<std::string> scalars;  // Clip bounds and Dropout ratios: attributes in ExportGraph
  for (const auto& p : g.node()) {
    ExportNode n;
    n.op = p.op_type();
    if (p.output_size() < 1) throw Error(ErrorCode::CorruptData, "node '" + p.name() + "' has no output", kCtx);
    n.output = p.output(0);
    for (const auto& in : p.input()) n.inputs.push_back(in);
    for (const auto& a : p.attribute()) {
      if (a.type() == onnx::AttributeProto::INTS) n.ints[a.name()].assign(a.ints().begin(), a.ints().end());
      else if (a.type() == onnx::AttributeProto::INT) n.ints[a.name()] = {a.i()};
      else if (a.type() == onnx::AttributeProto::FLOAT) n.floats[a.name()] = a.f();
    }
    for (const char* key : {"pads"}) {  // begin values only, as ExportGraph keeps them
      auto it = n.ints.find(key);
      if (it != n.ints.end() && it->second.size() == 4) {
        if (it->second[0] != it->second[2] || it->second[1] != it->second[3])
          throw Error(ErrorCode::CorruptData, "node '" + p.name() + "' has asymmetric pads", kCtx);
        it->second.resize(2);
      }
    }
    if (n.op == "Clip" && n.inputs.size() == 3) {
      n.floats["min"] = scalarOf(n.inputs[1]);
      n.floats["max"] = scalarOf(n.inputs[2]);
      scalars.insert(n.inputs[1]);
      scalars.insert(n.inputs[2]);
      n.inputs.resize(1);
    } else if (n.op == "Slice" && n.inputs.size() >= 3) {
      auto ints64 = [&](const std::string& name) {
        auto it = inits.find(name);
        if (it == inits.end()) throw Error(ErrorCode::CorruptData, "no initializer '" + name + "'", kCtx);
        scalars.insert(name);
        return int64sOf(*it->second);
      };
      n.ints["starts"] = ints64(n.inputs[1]);
      const auto ends = ints64(n.inputs[2]);
      if (n.inputs.size() >= 4) n.ints["axes"] = ints64(n.inputs[3]);
      else for (size_t a = 0; a < n.ints["starts"].size(); ++a) n.ints["axes"].push_back(static_cast<std::int64_t>(a));
      for (auto e : ends)
        if (e != std::numeric_limits<std::int64_t>::max())
          throw Error(ErrorCode::CorruptData, "node '" + p.name() + "' slices to an end other than the last", kCtx);
      if (n.inputs.size() >= 5) throw Error(ErrorCode::CorruptData, "node '" + p.name() + "' slices with steps", kCtx);
      n.inputs.resize(1);
    } else if (n.op == "Dropout" && n.inputs.size() >= 2) {
      n.floats["ratio"] = scalarOf(n.inputs[1]);
      scalars.insert(n.inputs[1]);
      n.inputs.resize(1);
    }
    out.nodes.push_back(std::move(n));
  }
  for (const auto& t : g.initializer()) {
    if (scalars.count(t.name())) continue;
    ExportWeight w;
    w.name = t.name();
    w.shape.assign(t.dims().begin(), t.dims().end());
    w.values = floatsOf(t);
    w.trainable = w.name.find("running_") == std::string::npos;
    out.weights.push_back(std::move(w));
  }
  try {
    out.validate();
  } catch (const Error& e) {
    throw Error(ErrorCode::CorruptData, e.what(), kCtx);
  }
  return out;
}

OnnxSummary checkOnnx(const std::string& bytes) {
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes)) throw Error(ErrorCode::CorruptData, "not a serialised ONNX model", kCtx);
  runChecks(model);
  OnnxSummary s;
  s.irVersion = model.ir_version();
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") s.opset = o.version();
  s.producer = model.producer_name() + " " + model.producer_version();
  const auto& g = model.graph();
  for (const auto& v : g.input()) s.inputs.push_back(v.name());
  for (const auto& v : g.output()) s.outputs.push_back(v.name());
  if (g.input_size() > 0) s.inputDims = dimsOf(g.input(0));
  if (g.output_size() > 0) s.outputDims = dimsOf(g.output(0));
  for (const auto& n : g.node()) s.opTypes.push_back(n.op_type());
  s.initializers = g.initializer_size();
  onnx::ModelProto inferred = model;
  onnx::shape_inference::InferShapes(inferred);
  // The declared output is kept; the inferred shape of the value that feeds it is what the
  // graph computes. Find the last node's output among value_info or the outputs.
  for (const auto& v : inferred.graph().output())
    if (v.name() == s.outputs.front()) s.inferredOutputDims = dimsOf(v);
  return s;
}

}  // namespace nas
