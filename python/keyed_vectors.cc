#include "keyed_vectors.h"

#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "evaluation.h"
#include "wembed/vectors/subword_vectors.h"
#include "wembed/vectors/vector_export.h"

namespace wembed::python {
namespace {

using Terms = std::vector<std::pair<std::vector<float>, double>>;

// `v` scaled to unit length (a zero vector stays zero).
std::vector<float> UnitVector(std::vector<float> v) {
  double n = 0;
  for (float x : v) n += double(x) * x;
  n = std::sqrt(n);
  if (n > 0) {
    for (float& x : v) x = float(x / n);
  }
  return v;
}

// One term of a query: a word (its unit vector; its row goes to
// `exclude`; a word outside the vocabulary, with subwords, its composed
// vector) or a vector given as an array (as is).
std::vector<float> TermVector(KeyedVectors& kv, py::handle item,
                              std::vector<int32_t>* exclude) {
  if (py::isinstance<py::str>(item) || py::isinstance<py::bytes>(item)) {
    const int32_t row = kv.Index(WordFromPy(item));
    if (row < 0) return UnitVector(kv.VectorFor(item));  // unseen: n-grams
    exclude->push_back(row);
    const float* v = kv.Unit().unit_vector(row);
    return std::vector<float>(v, v + kv.dim());
  }
  auto a =
      py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(
          item);
  if (!a || a.ndim() != 1 || size_t(a.shape(0)) != kv.dim()) {
    throw py::type_error("expected a word or a vector of " +
                         std::to_string(kv.dim()) + " numbers");
  }
  return std::vector<float>(a.data(), a.data() + kv.dim());
}

// `positive` and `negative` (a word, or lists of words and vectors) as
// weighted terms; a single str counts as a one-element list.
Terms CollectTerms(KeyedVectors& kv, py::object positive, py::object negative,
                   std::vector<int32_t>* exclude) {
  Terms terms;
  for (auto [list, weight] : {std::pair{positive, 1.0}, {negative, -1.0}}) {
    if (list.is_none()) continue;
    if (py::isinstance<py::str>(list) || py::isinstance<py::bytes>(list)) {
      list = py::make_tuple(list);
    }
    for (py::handle item : list) {
      terms.push_back({TermVector(kv, item, exclude), weight});
    }
  }
  if (terms.empty()) {
    throw py::value_error("cannot compute similarity with no input");
  }
  return terms;
}

size_t Limit(py::object restrict) {
  if (restrict.is_none()) return 0;
  const long n = restrict.cast<long>();
  if (n < 0) throw py::value_error("restrict must be >= 0 or None");
  return size_t(n);
}

py::object Restrict(py::object restrict, py::object restrict_vocab) {
  if (!restrict_vocab.is_none()) {
    if (!restrict.is_none()) {
      throw py::type_error("give restrict or restrict_vocab, not both");
    }
    return restrict_vocab;
  }
  return restrict;
}

// The `topn` best of `scores` (row order) without `exclude`, best first,
// ties to the lower row.
py::list TopN(const KeyedVectors& kv, const std::vector<float>& scores,
              size_t topn, const std::vector<int32_t>& exclude) {
  std::vector<int32_t> rows;
  for (size_t r = 0; r < scores.size(); ++r) {
    if (std::find(exclude.begin(), exclude.end(), int32_t(r)) ==
        exclude.end()) {
      rows.push_back(int32_t(r));
    }
  }
  const size_t n = std::min(topn, rows.size());
  std::partial_sort(
      rows.begin(), rows.begin() + n, rows.end(), [&](int32_t a, int32_t b) {
        return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
      });
  py::list out;
  for (size_t i = 0; i < n; ++i) {
    out.append(py::make_tuple(WordToPy(kv.data().words[rows[i]]),
                              double(scores[rows[i]])));
  }
  return out;
}

py::object MostSimilar(KeyedVectors& kv, py::object positive,
                       py::object negative, py::object topn,
                       py::object restrict, py::object restrict_vocab) {
  std::vector<int32_t> exclude;
  const Terms terms = CollectTerms(kv, positive, negative, &exclude);
  std::vector<float> query(kv.dim(), 0.0f);
  for (const auto& [v, w] : terms) {
    for (size_t i = 0; i < v.size(); ++i) query[i] += float(w) * v[i];
  }
  const size_t limit = Limit(Restrict(restrict, restrict_vocab));
  const std::shared_ptr<const NearestNeighbors> unit = kv.UnitPtr();
  std::vector<float> scores;
  {
    py::gil_scoped_release nogil;
    scores = unit->Cosines(query.data(), limit);
  }
  if (topn.is_none()) return py::array_t<float>(scores.size(), scores.data());
  return TopN(kv, scores, topn.cast<size_t>(), exclude);
}

// Levy & Goldberg's 3CosMul with cosines shifted to [0, 1], as gensim's
// most_similar_cosmul: prod(positive) / (prod(negative) + 1e-6).
py::object MostSimilarCosmul(KeyedVectors& kv, py::object positive,
                             py::object negative, py::object topn,
                             py::object restrict, py::object restrict_vocab) {
  std::vector<int32_t> exclude;
  const Terms terms = CollectTerms(kv, positive, negative, &exclude);
  const size_t limit = Limit(Restrict(restrict, restrict_vocab));
  std::vector<double> num, den;
  for (const auto& [v, w] : terms) {
    const std::vector<float> cos = kv.Unit().Cosines(v.data(), limit);
    std::vector<double>& acc = w > 0 ? num : den;
    if (acc.empty()) acc.assign(cos.size(), 1.0);
    for (size_t r = 0; r < cos.size(); ++r) acc[r] *= (1.0 + cos[r]) / 2;
  }
  std::vector<float> scores(kv.Unit().size());
  if (limit > 0) scores.resize(std::min(limit, scores.size()));
  for (size_t r = 0; r < scores.size(); ++r) {
    scores[r] = float((num.empty() ? 1.0 : num[r]) /
                      ((den.empty() ? 1.0 : den[r]) + 1e-6));
  }
  if (topn.is_none()) return py::array_t<float>(scores.size(), scores.data());
  return TopN(kv, scores, topn.cast<size_t>(), exclude);
}

double Dot(const float* a, const float* b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += double(a[i]) * b[i];
  return s;
}

// The unit vector of a word: the queries' copy of its row, or (unseen, with
// subwords) its composed vector scaled to unit length.
std::vector<float> UnitOf(KeyedVectors& kv, py::handle key) {
  const int32_t row = kv.Index(WordFromPy(key));
  if (row < 0) return UnitVector(kv.VectorFor(key));
  const float* v = kv.Unit().unit_vector(row);
  return std::vector<float>(v, v + kv.dim());
}

double Similarity(KeyedVectors& kv, py::handle w1, py::handle w2) {
  const std::vector<float> a = UnitOf(kv, w1), b = UnitOf(kv, w2);
  return Dot(a.data(), b.data(), kv.dim());
}

// gensim's doesnt_match: the word whose unit vector is least similar to
// the normalised mean of them all; unknown words are ignored with a
// warning.
py::str DoesntMatch(KeyedVectors& kv, py::iterable words) {
  std::vector<int32_t> rows;
  py::list ignored;
  for (py::handle w : words) {
    const int32_t r = kv.Index(WordFromPy(w));
    if (r < 0) {
      ignored.append(w);
    } else {
      rows.push_back(r);
    }
  }
  if (!ignored.empty()) {
    PyErr_WarnEx(PyExc_UserWarning,
                 ("doesnt_match: not in the vocabulary, ignored: " +
                  std::string(py::str(ignored)))
                     .c_str(),
                 1);
  }
  if (rows.empty()) {
    throw py::value_error("cannot select a word from an empty list");
  }
  std::vector<float> mean(kv.dim(), 0.0f);
  for (int32_t r : rows) {
    const float* v = kv.Unit().unit_vector(r);
    for (size_t i = 0; i < kv.dim(); ++i) mean[i] += v[i];
  }
  int32_t worst = rows[0];
  double worst_score = INFINITY;
  for (int32_t r : rows) {
    const double s = Dot(kv.Unit().unit_vector(r), mean.data(), kv.dim());
    if (s < worst_score) worst_score = s, worst = r;
  }
  return WordToPy(kv.data().words[worst]);
}

py::object GetItem(py::object self, py::handle key) {
  KeyedVectors& kv = self.cast<KeyedVectors&>();
  if (py::isinstance<py::str>(key) || py::isinstance<py::bytes>(key)) {
    const int32_t row = kv.Index(WordFromPy(key));
    if (row < 0) {  // with subwords: a new array of the composed vector
      const std::vector<float> v = kv.VectorFor(key);
      return py::array_t<float>(v.size(), v.data());
    }
    return py::array(py::dtype::of<float>(), {kv.dim()}, {sizeof(float)},
                     kv.matrix().row(row), self);
  }
  std::vector<std::vector<float>> rows;
  for (py::handle k : key) rows.push_back(kv.VectorFor(k));
  py::array_t<float> out({rows.size(), kv.dim()});
  for (size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(rows[i].data(), kv.dim(), out.mutable_data(i, 0));
  }
  return out;
}

py::object GetVector(py::object self, py::handle key, bool norm) {
  if (!norm) return GetItem(self, key);
  const std::vector<float> v = UnitOf(self.cast<KeyedVectors&>(), key);
  return py::array_t<float>(v.size(), v.data());
}

py::list& IndexToKey(KeyedVectors& kv) {
  py::list& cache = kv.index_to_key_cache();
  if (cache.empty() && kv.size() > 0) {
    for (const std::string& w : kv.data().words) cache.append(WordToPy(w));
  }
  return cache;
}

py::dict& KeyToIndex(KeyedVectors& kv) {
  py::dict& cache = kv.key_to_index_cache();
  if (cache.empty() && kv.size() > 0) {
    const std::vector<std::string>& words = kv.data().words;
    for (size_t i = 0; i < words.size(); ++i) cache[WordToPy(words[i])] = i;
  }
  return cache;
}

py::object GetVecattr(KeyedVectors& kv, py::handle key,
                      const std::string& attr) {
  const int32_t row = kv.IndexOf(key);
  if (attr != "count" || kv.counts().empty()) {
    throw py::key_error("no attribute '" + attr +
                        "' (only 'count', for vectors trained here)");
  }
  return py::int_(kv.counts()[row]);
}

void Save(KeyedVectors& kv, py::handle path, const std::string& format) {
  const std::optional<ExportFormat> f = ParseExportFormat(format);
  if (!f) {
    throw py::value_error("format must be " + ExportFormatChoices() +
                          ", not '" + format + "'");
  }
  const std::string p = PathFromPy(path, "save");
  Status st;
  {
    py::gil_scoped_release nogil;
    st = ExportVectors(p, kv.data().words, kv.data().vectors, *f);
  }
  CheckOk(st);
}

std::string Repr(const KeyedVectors& kv) {
  std::string subwords;
  if (kv.has_subwords()) {
    const SubwordSpec& s = kv.subwords();
    subwords = ", subwords " + std::to_string(s.min_n) + "-" +
               std::to_string(s.max_n) + " in " + std::to_string(s.buckets) +
               " buckets";
  }
  return "<wembed.KeyedVectors: " + std::to_string(kv.size()) + " words, dim " +
         std::to_string(kv.dim()) + subwords + ">";
}

void BindQueries(py::class_<KeyedVectors>& c) {
  c.def("most_similar", &MostSimilar, py::arg("positive") = py::none(),
        py::arg("negative") = py::none(), py::arg("topn") = 10,
        py::arg("restrict") = py::none(),
        py::arg("restrict_vocab") = py::none(),
        "Words nearest (cosine) to the mean of the unit vectors of "
        "`positive` minus those of `negative`, without the input words: a "
        "list of (word, cosine), best first. topn=None: the cosines of all "
        "(restricted) rows as an array.");
  c.def("most_similar_cosmul", &MostSimilarCosmul,
        py::arg("positive") = py::none(), py::arg("negative") = py::none(),
        py::arg("topn") = 10, py::arg("restrict") = py::none(),
        py::arg("restrict_vocab") = py::none(),
        "3CosMul (Levy & Goldberg 2014) as gensim computes it.");
  c.def("similarity", &Similarity, py::arg("w1"), py::arg("w2"),
        "Cosine similarity of two words.");
  c.def("doesnt_match", &DoesntMatch, py::arg("words"),
        "The word furthest from the mean of the words.");
  c.def(
      "fill_norms",
      [](KeyedVectors& kv, bool force) {
        if (force) kv.ResetUnit();
        kv.Unit();
      },
      py::arg("force") = false,
      "Makes the unit-length copy the queries use; force=True remakes it "
      "after `vectors` was modified in place.");
}

void BindAccess(py::class_<KeyedVectors>& c) {
  c.def("__len__", &KeyedVectors::size);
  c.def("__contains__", [](const KeyedVectors& kv, py::handle key) {
    return (py::isinstance<py::str>(key) || py::isinstance<py::bytes>(key)) &&
           kv.HasVectorFor(WordFromPy(key));
  });
  c.def("__getitem__", &GetItem, py::arg("key"));
  c.def("get_vector", &GetVector, py::arg("key"), py::arg("norm") = false);
  c.def(
      "get_index",
      [](const KeyedVectors& kv, py::handle key, py::object dflt) {
        const int32_t r = kv.Index(WordFromPy(key));
        if (r >= 0) return py::object(py::int_(r));
        if (!dflt.is_none()) return dflt;
        throw py::key_error("Key '" + std::string(py::str(key)) +
                            "' not present");
      },
      py::arg("key"), py::arg("default") = py::none());
  c.def("has_index_for", [](const KeyedVectors& kv, py::handle key) {
    return kv.Index(WordFromPy(key)) >= 0;
  });
  c.def("get_vecattr", &GetVecattr, py::arg("key"), py::arg("attr"));
  c.def_property_readonly("vectors", [](py::object self) {
    return MatrixView(self.cast<KeyedVectors&>().matrix(), self);
  });
  c.def_property_readonly("vector_size", &KeyedVectors::dim);
  c.def_property_readonly("index_to_key", &IndexToKey,
                          py::return_value_policy::reference_internal);
  c.def_property_readonly("key_to_index", &KeyToIndex,
                          py::return_value_policy::reference_internal);
  c.def("save", &Save, py::arg("path"), py::arg("format") = "bin",
        "Writes the vectors: format bin or txt (word2vec, one file), tsv or "
        "npy (a directory of two files; see docs/exports.md).");
  c.def("__repr__", &Repr);
  c.def_property_readonly("subwords", [](const KeyedVectors& kv) {
    if (!kv.has_subwords()) return py::object(py::none());
    const SubwordSpec& s = kv.subwords();
    return py::object(py::make_tuple(s.min_n, s.max_n, s.buckets));
  });
  c.def_property_readonly("vectors_ngrams", [](py::object self) {
    KeyedVectors& kv = self.cast<KeyedVectors&>();
    if (!kv.has_subwords()) return py::object(py::none());
    return py::object(MatrixView(kv.subword_matrix(), self));
  });
}

}  // namespace

KeyedVectors::KeyedVectors(Embeddings data, std::vector<uint64_t> counts)
    : data_(std::move(data)),
      counts_(std::move(counts)),
      lookup_(data_.words, data_.words.size(), /*case_sensitive=*/true) {}

int32_t KeyedVectors::IndexOf(py::handle key) const {
  const int32_t row = Index(WordFromPy(key));
  if (row < 0) {
    throw py::key_error("Key '" + std::string(py::str(key)) + "' not present");
  }
  return row;
}

void KeyedVectors::SetSubwords(const SubwordSpec& spec, Matrix subword_input) {
  subwords_ = spec;
  subword_input_ = std::move(subword_input);
}

bool KeyedVectors::ComposeUnseen(const std::string& word,
                                 std::vector<float>* out) const {
  if (!subwords_.enabled()) return false;
  std::vector<float> v(dim());
  std::vector<uint32_t> buckets;
  if (ComposeWordVector(word, nullptr, subwords_, subword_input_, &buckets,
                        v.data()) == 0) {
    return false;
  }
  *out = std::move(v);
  return true;
}

bool KeyedVectors::HasVectorFor(const std::string& word) const {
  if (Index(word) >= 0) return true;
  if (!subwords_.enabled()) return false;
  std::vector<uint32_t> buckets;
  AppendNgramBuckets(word, subwords_, &buckets);
  return !buckets.empty();
}

std::vector<float> KeyedVectors::VectorFor(py::handle key) const {
  const std::string word = WordFromPy(key);
  const int32_t row = Index(word);
  if (row >= 0) {
    const float* v = data_.vectors.row(row);
    return std::vector<float>(v, v + dim());
  }
  std::vector<float> v;
  if (ComposeUnseen(word, &v)) return v;
  throw py::key_error("Key '" + std::string(py::str(key)) + "' not present" +
                      (subwords_.enabled() ? " (and it has no n-gram)" : ""));
}

std::shared_ptr<const NearestNeighbors> KeyedVectors::UnitPtr() const {
  if (unit_ == nullptr) {
    Embeddings copy{data_.words, data_.vectors};
    unit_ = std::make_shared<const NearestNeighbors>(std::move(copy),
                                                     /*case_sensitive=*/true);
  }
  return unit_;
}

py::array MatrixView(Matrix& m, py::handle owner) {
  return py::array(py::dtype::of<float>(), {m.rows(), m.cols()},
                   {m.stride() * sizeof(float), sizeof(float)}, m.data(),
                   owner);
}

py::object MakeKeyedVectors(std::unique_ptr<KeyedVectors> kv) {
  return py::cast(std::move(kv));
}

void BindKeyedVectors(py::module_& m) {
  py::class_<KeyedVectors> c(
      m, "KeyedVectors",
      "Words and their vectors (gensim's KeyedVectors interface). "
      "`vectors` is a float32 view of wembed's matrix, not a copy.");
  BindAccess(c);
  BindQueries(c);
  BindEvaluation(c);
}

}  // namespace wembed::python
