// KeyedVectors for Python: words and their vectors (gensim's KeyedVectors
// interface where it has one, see docs/python.md). The vectors live in a
// wembed Matrix that Python sees as a float32 NumPy view, without a copy.
#ifndef WEMBED_PYTHON_KEYED_VECTORS_H_
#define WEMBED_PYTHON_KEYED_VECTORS_H_

#include <pybind11/numpy.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common.h"
#include "wembed/eval/nearest_neighbors.h"
#include "wembed/text/subwords.h"
#include "wembed/vectors/embeddings.h"
#include "wembed/vectors/word_lookup.h"

namespace wembed::python {

class KeyedVectors {
 public:
  // `counts` (corpus counts per row) may be empty (vectors from a file).
  explicit KeyedVectors(Embeddings data, std::vector<uint64_t> counts = {});

  size_t size() const { return data_.words.size(); }
  size_t dim() const { return data_.vectors.cols(); }
  const Embeddings& data() const { return data_; }
  Matrix& matrix() { return data_.vectors; }
  const std::vector<uint64_t>& counts() const { return counts_; }

  // Row of `word` (exact, as gensim), or -1.
  int32_t Index(const std::string& word) const { return lookup_.Find(word); }
  // Row of the Python key; KeyError "Key 'x' not present" otherwise.
  int32_t IndexOf(py::handle key) const;

  // fastText's subword model (a checkpoint trained with --subwords): the
  // n-gram settings and rows, so that words outside the vocabulary get
  // vectors (gensim's FastTextKeyedVectors).
  void SetSubwords(const SubwordSpec& spec, Matrix subword_input);
  bool has_subwords() const { return subwords_.enabled(); }
  Matrix& subword_matrix() { return subword_input_; }
  const SubwordSpec& subwords() const { return subwords_; }
  // The vector of a word outside the vocabulary: the mean of its n-gram
  // rows. False (out untouched) without subwords or without an n-gram.
  bool ComposeUnseen(const std::string& word, std::vector<float>* out) const;
  // True for a vocabulary word, and with subwords for any word with an
  // n-gram.
  bool HasVectorFor(const std::string& word) const;
  // The vector of the Python key: its row, or ComposeUnseen; KeyError
  // otherwise.
  std::vector<float> VectorFor(py::handle key) const;

  // The unit-length copy the similarity queries use, made on first use
  // (gensim's norms); ResetUnit() drops it after `vectors` was modified.
  // Call with the GIL held; a query that releases the GIL keeps its own
  // reference (UnitPtr) so that a concurrent ResetUnit cannot free it.
  const NearestNeighbors& Unit() const { return *UnitPtr(); }
  std::shared_ptr<const NearestNeighbors> UnitPtr() const;
  void ResetUnit() { unit_.reset(); }

  // Cached Python views of the word list (built on first access).
  py::list& index_to_key_cache() { return index_to_key_; }
  py::dict& key_to_index_cache() { return key_to_index_; }

 private:
  Embeddings data_;
  std::vector<uint64_t> counts_;
  WordLookup lookup_;  // exact; views into data_.words
  SubwordSpec subwords_;
  Matrix subword_input_;  // subwords_.buckets rows
  mutable std::shared_ptr<const NearestNeighbors> unit_;
  py::list index_to_key_;
  py::dict key_to_index_;
};

// Adds the KeyedVectors class to `m`.
void BindKeyedVectors(py::module_& m);

// A Python KeyedVectors object owning `kv`.
py::object MakeKeyedVectors(std::unique_ptr<KeyedVectors> kv);

// A float32 view (no copy) of the rows x cols of `m` with its padded row
// stride, keeping `owner` (the Python object that owns `m`) alive.
py::array MatrixView(Matrix& m, py::handle owner);

}  // namespace wembed::python

#endif  // WEMBED_PYTHON_KEYED_VECTORS_H_
