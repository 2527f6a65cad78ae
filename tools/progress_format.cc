#include "progress_format.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace wembed::cli {

ProgressPrinter::ProgressPrinter(bool quiet)
    : quiet_(quiet), terminal_(isatty(STDERR_FILENO) == 1) {}

void ProgressPrinter::Update(const std::string& text) {
  if (quiet_) return;
  if (terminal_) {
    std::string line = "\r" + text;
    if (text.size() < last_width_)
      line += std::string(last_width_ - text.size(), ' ');
    last_width_ = text.size();
    std::cerr << line << std::flush;
  } else {
    std::cerr << text << "\n" << std::flush;
  }
}

void ProgressPrinter::Finish(const std::string& text) {
  if (quiet_) return;
  if (terminal_ && last_width_ > 0) {
    std::cerr << "\r" << std::string(last_width_, ' ') << "\r";
    last_width_ = 0;
  }
  if (!text.empty()) std::cerr << text << "\n" << std::flush;
}

void ProgressPrinter::Line(const std::string& text) { Finish(text); }

std::string FormatCount(double n) {
  char buf[32];
  if (n >= 1e9) {
    std::snprintf(buf, sizeof(buf), "%.2fG", n / 1e9);
  } else if (n >= 1e6) {
    std::snprintf(buf, sizeof(buf), "%.2fM", n / 1e6);
  } else if (n >= 1e4) {
    std::snprintf(buf, sizeof(buf), "%.0fk", n / 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f", n);
  }
  return buf;
}

std::string FormatDuration(double seconds) {
  if (seconds < 0) seconds = 0;
  const long s = long(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof(buf), "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
                  s % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

std::string FormatPercent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100.0 * fraction);
  return buf;
}

namespace {

// FormatCount(n) and the noun, singular for exactly one.
std::string Counted(uint64_t n, const char* singular, const char* plural) {
  return FormatCount(double(n)) + " " + (n == 1 ? singular : plural);
}

}  // namespace

std::string FormatScanProgress(const ScanStats& s) {
  if (s.encoded_bytes > 0) {  // the counts are final; the stream is rewritten
    return "encoding: " + FormatCount(double(s.encoded_bytes)) + "B written";
  }
  std::string line = "reading: " + FormatCount(double(s.bytes_read)) + "B, " +
                     Counted(s.total_tokens, "word", "words");
  if (s.spilled_bytes > 0) {
    line += ", " + FormatCount(double(s.spilled_bytes)) + "B spilled to disk";
  }
  return line;
}

std::string FormatScanSummary(const ScanStats& s, size_t vocab_size,
                              uint64_t encoded_tokens) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f s", s.seconds);
  return "read " + Counted(s.total_tokens, "word", "words") + " (" +
         FormatCount(double(s.distinct_tokens)) + " distinct) in " + buf +
         "; vocabulary " + std::to_string(vocab_size) +
         (vocab_size == 1 ? " word" : " words") + " covering " +
         Counted(encoded_tokens, "token", "tokens") +
         (s.encoded_bytes > 0
              ? "; encoded corpus " + FormatCount(double(s.encoded_bytes)) +
                    "B (" + std::to_string(s.threads) +
                    (s.threads == 1 ? " thread" : " threads") +
                    (s.spilled_bytes > 0
                         ? ", " + FormatCount(double(s.spilled_bytes)) +
                               "B spilled to disk)"
                         : ")")
              : "");
}

std::string FormatModelMemory(const ModelMatrices& m) {
  const std::string dim = " x " + std::to_string(m.dim);
  std::string line = "train: model matrices: input " +
                     FormatCount(double(m.input_rows)) + dim + ", output " +
                     FormatCount(double(m.output_rows)) + dim;
  if (m.subword_rows > 0) {
    line += ", n-grams " + FormatCount(double(m.subword_rows)) + dim + " (" +
            FormatCount(double(m.SubwordBytes())) + "B)";
  }
  return line + "; " + FormatCount(double(m.Bytes())) +
         "B in all, outside --memory-budget";
}

std::string FormatTrainProgress(const TrainStatus& s) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), "train: %5.1f%%  epoch %d/%d  %s words/s (",
                100 * s.progress, s.epoch, s.epochs,
                FormatCount(s.words_per_second).c_str());
  std::string line = buf;
  if (s.members > 1) {  // the group's rate; the threads are rank 0's
    line += std::to_string(s.members) + " ranks; rank 0: ";
  }
  for (size_t t = 0; t < s.thread_words_per_second.size(); ++t) {
    if (t > 0) line += " ";
    line += FormatCount(s.thread_words_per_second[t]);
  }
  std::snprintf(buf, sizeof(buf), " per thread)  lr %.6f  loss %.4f  eta %s",
                s.alpha, s.average_loss, FormatDuration(s.eta_seconds).c_str());
  return line + buf;
}

namespace {

// "" alone; "2 ranks x " or "2 ranks sharing one model x " under mpirun.
std::string RanksPart(const TrainSummary& s) {
  if (s.members <= 1) return "";
  return std::to_string(s.members) + " ranks " +
         (s.shared_model ? "sharing one model " : "") + "x ";
}

}  // namespace

std::string FormatTrainSummary(const TrainSummary& s, int threads) {
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "train: %s %s in %.1f s, %s words/s, final loss %.4f "
                "(%s%d thread%s, %s kernels)",
                s.stopped ? "stopped after" : "done:",
                Counted(s.words_trained, "word", "words").c_str(), s.seconds,
                FormatCount(s.words_per_second).c_str(), s.final_loss,
                RanksPart(s).c_str(), threads, threads == 1 ? "" : "s",
                s.kernels);
  std::string line = buf;
  if (s.sync_seconds > 0) {  // --deterministic: the merges' share
    const double total = std::max(s.seconds, 1e-9);
    std::snprintf(buf, sizeof(buf),
                  "; syncs %.2f s (%.1f%%), at the barrier %.2f s (%.1f%%)",
                  s.sync_seconds, 100 * s.sync_seconds / total,
                  s.sync_wait_seconds, 100 * s.sync_wait_seconds / total);
    line += buf;
  }
  return line;
}

}  // namespace wembed::cli
