#include "training.h"

#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "keyed_vectors.h"
#include "wembed/train/option_table.h"
#include "wembed/train/progress_log.h"
#include "wembed/train/training_job.h"
#include "wembed/vectors/subword_vectors.h"

namespace wembed::python {
namespace {

// ------------------------------------------------------------ options

std::string PythonName(const std::string& name) {
  std::string s = name;
  for (char& c : s) c = c == '-' ? '_' : c;
  return s;
}

// The text of one scalar value for the option table's parser.
std::string ScalarText(const OptionSpec& spec, py::handle v) {
  const std::string name = PythonName(spec.name);
  const bool is_bool = py::isinstance<py::bool_>(v);
  switch (spec.kind) {
    case OptionKind::kFlag:
      if (is_bool) return v.cast<bool>() ? "1" : "0";
      break;
    case OptionKind::kInt:
    case OptionKind::kCount:
      if (py::isinstance<py::int_>(v) && !is_bool) return py::str(v);
      break;
    case OptionKind::kReal:
      if ((py::isinstance<py::int_>(v) || py::isinstance<py::float_>(v)) &&
          !is_bool) {
        return py::repr(py::float_(py::reinterpret_borrow<py::object>(v)));
      }
      break;
    default:
      if (py::isinstance<py::str>(v) || py::hasattr(v, "__fspath__")) {
        return PathFromPy(v, name);
      }
  }
  throw py::type_error(name + ": unexpected " +
                       std::string(py::str(py::type::of(v).attr("__name__"))) +
                       " value " + std::string(py::repr(v)));
}

std::vector<std::string> OptionValues(const OptionSpec& spec, py::handle v) {
  if (spec.kind == OptionKind::kTextList && !py::isinstance<py::str>(v) &&
      !py::hasattr(v, "__fspath__") && py::hasattr(v, "__iter__")) {
    std::vector<std::string> values;
    for (py::handle item : v) values.push_back(ScalarText(spec, item));
    return values;
  }
  return {ScalarText(spec, v)};
}

// Applies `name=value` to `job` through the option table; None leaves the
// default. TypeError for an unknown name or a value of the wrong type,
// ValueError for a bad value.
void ApplyOption(const std::string& name, py::handle value, TrainingJob* job) {
  const OptionSpec* spec = FindTrainingOption(name);
  if (spec == nullptr || name.find('-') != std::string::npos) {
    throw py::type_error("train() got an unexpected keyword argument '" + name +
                         "' (see wembed.training_options())");
  }
  if (value.is_none()) return;
  if (job->given.count(spec->name) != 0) {
    throw py::type_error("train() got '" + PythonName(spec->name) +
                         "' twice (corpus_file is input)");
  }
  CheckOk(spec->set(OptionValues(*spec, value), job));
  job->given.insert(spec->name);
}

TrainingJob BuildJob(py::object corpus_file, const py::kwargs& options) {
  TrainingJob job;
  job.quiet = true;
  if (!corpus_file.is_none()) ApplyOption("input", corpus_file, &job);
  for (auto [key, value] : options) {
    ApplyOption(key.cast<std::string>(), value, &job);
  }
  if (job.resume.empty() && job.options.inputs.empty()) {
    throw py::type_error("train() needs corpus_file (or resume=CHECKPOINT)");
  }
  return job;
}

py::object TypedValue(const OptionSpec& spec,
                      const std::vector<std::string>& v) {
  switch (spec.kind) {
    case OptionKind::kFlag:
      return py::bool_(v[0] == "1");
    case OptionKind::kInt:
    case OptionKind::kCount:
      return py::int_(py::str(v[0]));
    case OptionKind::kReal:
      return py::float_(std::stod(v[0]));
    case OptionKind::kTextList:
      return py::cast(v);
    default:
      return py::str(v[0]);
  }
}

py::dict JobOptions(const TrainingJob& job) {
  py::dict d;
  for (const OptionSpec& spec : TrainingOptionTable()) {
    d[py::str(PythonName(spec.name))] = TypedValue(spec, spec.get(job));
  }
  return d;
}

py::list TrainingOptions() {
  py::list out;
  const TrainingJob defaults;
  for (const OptionSpec& spec : TrainingOptionTable()) {
    py::dict d;
    d["name"] = PythonName(spec.name);
    d["flag"] = "--" + spec.name;
    d["default"] = TypedValue(spec, spec.get(defaults));
    d["help"] = spec.help;
    d["group"] = spec.group;
    d["stored_in_checkpoints"] = spec.stored();
    d["choices"] = spec.choices;
    out.append(d);
  }
  return out;
}

// ------------------------------------------------------------ the run

// What the training threads report, queued for the Python thread.
struct Event {
  bool is_note = false;
  std::string note;
  TrainStatus status;
};

// Queues RunTraining's reports; never touches Python (runs without the
// GIL on the library's threads). Thread-safe.
class QueueObserver : public TrainingObserver {
 public:
  explicit QueueObserver(double interval) : interval_(interval) {}

  void OnNote(const std::string& text) override { Push({true, text, {}}); }
  void OnTrainProgress(const TrainStatus& s) override { Push({false, "", s}); }
  double ProgressIntervalSeconds() const override { return interval_; }

  void Finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    cv_.notify_all();
  }
  // Waits up to `timeout` for events or the end; takes the events.
  std::deque<Event> Wait(std::chrono::milliseconds timeout, bool* done) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return done_ || !events_.empty(); });
    *done = done_;
    return std::exchange(events_, {});
  }

 private:
  void Push(Event e) {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(e));
    cv_.notify_all();
  }
  const double interval_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Event> events_;
  bool done_ = false;
};

py::dict ProgressDict(const TrainStatus& s) {
  py::dict d;
  for (const ProgressField& f : ProgressFields(s)) {
    d[f.name] = f.integer ? py::object(py::int_(uint64_t(f.value)))
                          : py::object(py::float_(f.value));
  }
  return d;
}

// Runs the job on a worker thread while this (Python) thread delivers
// progress and notes, and checks for signals (Ctrl-C) every 100 ms: a
// Python exception (KeyboardInterrupt, or one raised by the progress
// callable) sets the stop flag; training stops at its next safe point,
// writes its checkpoint if it has one, and the exception is re-raised.
class PythonRun {
 public:
  PythonRun(TrainingJob job, py::object progress, double interval)
      : job_(std::move(job)),
        progress_(std::move(progress)),
        observer_(interval) {}

  TrainingResult Run() {
    std::thread worker([this] {
      result_.emplace(RunTraining(job_, observer_, &stop_));
      observer_.Finish();
    });
    try {
      Pump();
    } catch (...) {
      stop_.store(true);
      py::gil_scoped_release nogil;
      worker.join();
      throw;
    }
    {
      py::gil_scoped_release nogil;
      worker.join();
    }
    if (pending_) throw *pending_;
    if (!result_->ok()) ThrowStatus(result_->status());
    if ((*result_)->stopped) {
      throw std::runtime_error("training stopped early without a request");
    }
    return std::move(*result_).value();
  }

 private:
  void Pump() {
    bool done = false;
    while (!done) {
      std::deque<Event> events;
      {
        py::gil_scoped_release nogil;
        events = observer_.Wait(std::chrono::milliseconds(100), &done);
      }
      for (const Event& e : events) Deliver(e);
      if (!pending_ && PyErr_CheckSignals() != 0) Stop();
    }
  }

  void Deliver(const Event& e) {
    if (pending_) return;
    if (e.is_note) {
      if (PyErr_WarnEx(PyExc_UserWarning, e.note.c_str(), 1) != 0) Stop();
      return;
    }
    if (progress_.is_none()) return;
    try {
      progress_(ProgressDict(e.status));
    } catch (py::error_already_set& err) {
      pending_.emplace(std::move(err));
      stop_.store(true);
    }
  }

  // Takes the Python error now set and asks the run to stop.
  void Stop() {
    pending_.emplace();
    stop_.store(true);
  }

  TrainingJob job_;
  py::object progress_;
  QueueObserver observer_;
  std::atomic<bool> stop_{false};
  std::optional<StatusOr<TrainingResult>> result_;
  std::optional<py::error_already_set> pending_;
};

// ------------------------------------------------------------ the model

// What train() returns: the vectors (wv, zero-copy from the trained
// matrix), the context vectors, the options as run and a summary.
struct Model {
  py::object wv;
  Matrix context;
  py::dict options;
  py::dict summary;
};

py::dict Summary(const TrainingResult& r) {
  py::dict d;
  d["words_trained"] = r.summary.words_trained;
  d["seconds"] = r.summary.seconds;
  d["words_per_second"] = r.summary.words_per_second;
  d["final_loss"] = r.summary.final_loss;
  d["kernels"] = std::string(r.summary.kernels);
  d["vocab_size"] = r.model.vocab.size();
  d["corpus_tokens"] = r.model.progress.corpus_tokens;
  return d;
}

std::unique_ptr<Model> MakeModel(TrainingResult r) {
  auto model = std::make_unique<Model>();
  model->options = JobOptions(r.job);
  model->summary = Summary(r);
  Checkpoint& c = r.model;
  ComposeCheckpointInput(&c);  // --subwords: the vectors file's rows
  std::vector<uint64_t> counts = c.vocab.counts();
  Matrix mixed;
  const Matrix& chosen = ChooseVectors(c.input, c.output,
                                       ResolvedOutputVectors(r.job), &mixed,
                                       r.job.output_weight);
  // The vectors file's choice; the matrix moves when it is W_E itself.
  Embeddings e{c.vocab.words(),
               &chosen == &c.input ? std::move(c.input) : Matrix(chosen)};
  auto kv = std::make_unique<KeyedVectors>(std::move(e), std::move(counts));
  if (c.subwords.enabled()) {
    kv->SetSubwords(c.subwords, std::move(c.subword_input));
  }
  model->wv = MakeKeyedVectors(std::move(kv));
  model->context = std::move(c.output);
  return model;
}

py::object Train(py::object corpus_file, py::object progress,
                 double progress_interval, py::kwargs options) {
  if (!progress.is_none() && !PyCallable_Check(progress.ptr())) {
    throw py::type_error("progress must be callable");
  }
  if (!(progress_interval > 0)) {
    throw py::value_error("progress_interval must be > 0 seconds");
  }
  PythonRun run(BuildJob(corpus_file, options), progress, progress_interval);
  return py::cast(MakeModel(run.Run()));
}

void BindModel(py::module_& m) {
  py::class_<Model>(m, "Model",
                    "A trained model: wv (KeyedVectors of W_E), syn1neg "
                    "(context vectors), options, summary.")
      .def_readonly("wv", &Model::wv)
      .def_property_readonly("syn1neg",
                             [](py::object self) {
                               return MatrixView(self.cast<Model&>().context,
                                                 self);
                             })
      .def_readonly("options", &Model::options)
      .def_readonly("summary", &Model::summary)
      .def(
          "save",
          [](Model& model, py::handle path, const std::string& format) {
            model.wv.attr("save")(path, format);
          },
          py::arg("path"), py::arg("format") = "bin")
      .def("__repr__", [](Model& model) {
        return "<wembed.Model: " + std::string(py::repr(model.wv)) + ">";
      });
}

}  // namespace

void BindTraining(py::module_& m) {
  BindModel(m);
  m.def("train", &Train, py::arg("corpus_file") = py::none(),
        py::arg("progress") = py::none(),
        py::arg("progress_interval") = kProgressLogIntervalSeconds,
        "Trains word vectors (RunTraining, as `wembed train`). Every "
        "training option is a keyword of the same name ('-' as '_'): dim, "
        "window, epochs, threads, checkpoint, output, ... (see "
        "training_options()). progress(dict) is called about every "
        "progress_interval seconds with words, words_per_second, loss, "
        "learning_rate, epoch, elapsed, eta, ... Ctrl-C stops training "
        "(writing the checkpoint if one was given) and raises "
        "KeyboardInterrupt. Returns a Model.");
  m.def("training_options", &TrainingOptions,
        "The training options train() accepts: name, flag, default, help.");
}

}  // namespace wembed::python
