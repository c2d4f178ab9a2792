// A thread running its own GLib main loop, to which other threads post work. The plugin keeps
// every interview's document and the Redis connection on one such thread: all document state
// changes happen there, in order, without locks, and hiredis's GLib adapter drives the socket.
#pragma once

#include <glib.h>

#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace interview::adapters {

class LoopThread {
  public:
    LoopThread();
    ~LoopThread();  // stops the loop (work not yet run is dropped) and joins the thread
    LoopThread(const LoopThread&) = delete;
    LoopThread& operator=(const LoopThread&) = delete;

    GMainContext* context() const { return context_; }
    /// Runs `task` on the loop thread, after the tasks posted before it.
    void post(std::function<void()> task);
    /// Runs `task` every `interval_ms` on the loop thread until the loop stops.
    void every(unsigned interval_ms, std::function<void()> task);
    /// Runs `task` once after `delay_ms`.
    void after(unsigned delay_ms, std::function<void()> task);
    /// Stops the loop and joins the thread (idempotent); the destructor calls it.
    void stop();

  private:
    static gboolean run_posted(gpointer self);

    // Posted tasks wait here, and one idle source at most is attached to run them all: a
    // GSource per task cost an allocation, a wake-up and GLib's per-source bookkeeping on every
    // loop iteration, which showed in profiles of a busy room.
    std::mutex posted_mutex_;
    std::deque<std::function<void()>> posted_;  // guarded by posted_mutex_
    bool drain_scheduled_ = false;              // guarded by posted_mutex_

    GMainContext* context_;
    GMainLoop* loop_;
    std::thread thread_;
};

}  // namespace interview::adapters
