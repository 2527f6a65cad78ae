// OrderedPipeline: items worked on by a pool of threads and handed back in
// the order they were submitted, for the parallel corpus scan (blocks of
// text tokenized on all threads, merged in corpus order) and the parallel
// rewrite of the encoded stream.
//
// A fixed set of slots bounds the items in flight (and so the memory); a
// slot is reused, so buffers inside it keep their memory. One producer
// acquires a free slot, fills it and submits it; one consumer takes the
// slots back in submission order once their work is done and releases
// them. Producer and consumer may be the same thread if it never waits in
// Acquire while holding undone work it must consume (use wait = false).
//
// Deadlock-free: the oldest submitted slot is always either done or queued
// for (or under) work, and workers take work in submission order.
#ifndef WEMBED_SRC_CORPUS_ORDERED_PIPELINE_H_
#define WEMBED_SRC_CORPUS_ORDERED_PIPELINE_H_

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace wembed {

template <typename Slot>
class OrderedPipeline {
 public:
  // Starts `workers` threads running `work` on submitted slots; `slots` >=
  // 1 slots are default-constructed.
  OrderedPipeline(int workers, int slots, std::function<void(Slot&)> work)
      : work_(std::move(work)), slots_(size_t(slots)), done_(slots_.size()) {
    for (int i = 0; i < slots; ++i) free_.push_back(i);
    try {
      for (int t = 0; t < workers; ++t) {
        threads_.emplace_back([this] { Run(); });
      }
    } catch (...) {  // a thread that cannot be created: undo, then throw
      Stop();
      for (std::thread& t : threads_) t.join();
      throw;
    }
  }
  // Stops and joins the workers.
  ~OrderedPipeline() {
    Stop();
    for (std::thread& t : threads_) t.join();
  }
  OrderedPipeline(const OrderedPipeline&) = delete;
  OrderedPipeline& operator=(const OrderedPipeline&) = delete;

  Slot& slot(int i) { return slots_[size_t(i)]; }

  // Producer: a free slot's index; -1 once stopped, or (wait = false) when
  // none is free.
  int Acquire(bool wait = true) {
    std::unique_lock<std::mutex> lock(mu_);
    if (wait) cv_.wait(lock, [&] { return stop_ || !free_.empty(); });
    if (stop_ || free_.empty()) return -1;
    const int i = free_.back();
    free_.pop_back();
    return i;
  }

  // Producer: queues slot `i` after every slot submitted before it; the
  // work runs on it unless `needs_work` is false (the producer did it).
  void Submit(int i, bool needs_work = true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      order_.push_back(i);
      done_[size_t(i)] = !needs_work;
      if (needs_work) queue_.push_back(i);
    }
    cv_.notify_all();
  }

  // Producer: nothing more will be submitted.
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

  // Consumer: the oldest submitted slot once its work is done; -1 when the
  // pipeline is closed and every slot was taken, once stopped, or (wait =
  // false) when the oldest is not done yet. Rethrows an exception that the
  // work threw on a worker thread (std::bad_alloc), which stopped the
  // pipeline, so that it reaches the consumer's thread.
  int Next(bool wait = true) {
    std::unique_lock<std::mutex> lock(mu_);
    if (error_) std::rethrow_exception(error_);
    const auto ready = [&] {
      return stop_ || (!order_.empty() && done_[size_t(order_.front())]) ||
             (closed_ && order_.empty());
    };
    if (wait) cv_.wait(lock, ready);
    if (error_) std::rethrow_exception(error_);
    if (stop_ || order_.empty() || !done_[size_t(order_.front())]) return -1;
    const int i = order_.front();
    order_.pop_front();
    return i;
  }

  // Consumer: gives slot `i` (from Next) back to the producer.
  void Release(int i) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(i);
    }
    cv_.notify_all();
  }

  // Wakes everyone: Acquire and Next return -1 from now on; workers stop
  // after their current item.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
  }

  // Slots submitted and not yet taken by Next.
  size_t in_flight() {
    std::lock_guard<std::mutex> lock(mu_);
    return order_.size();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || closed_ || !queue_.empty(); });
      if (stop_ || queue_.empty()) {
        if (stop_ || closed_) return;
        continue;
      }
      const int i = queue_.front();
      queue_.pop_front();
      lock.unlock();
      try {
        work_(slots_[size_t(i)]);
      } catch (...) {  // never out of a thread (std::terminate)
        lock.lock();
        if (!error_) error_ = std::current_exception();
        stop_ = true;
        cv_.notify_all();
        return;
      }
      lock.lock();
      done_[size_t(i)] = true;
      cv_.notify_all();
    }
  }

  std::function<void(Slot&)> work_;
  std::vector<Slot> slots_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> free_;   // guarded by mu_
  std::deque<int> queue_;   // submitted, work not started; mu_
  std::deque<int> order_;   // submitted, not taken by Next; mu_
  std::vector<bool> done_;  // per slot; mu_
  bool closed_ = false;     // mu_
  bool stop_ = false;       // mu_
  std::exception_ptr error_;  // the first exception of a work; mu_
  std::vector<std::thread> threads_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_ORDERED_PIPELINE_H_
